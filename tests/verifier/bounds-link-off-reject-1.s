# a linked scalar's delta counts as a pointer offset (-2^31)
# prog_type: socket_filter
# priv: root
# expect: reject
# error: map_value pointer offset -2147483648 is not allowed
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
r1 = r0
r1 += -2147483648
r6 += r1
r0 = 0
exit
