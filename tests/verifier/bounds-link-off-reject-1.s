# a linked scalar's delta (-2^31) is no pointer offset: its unbounded min decides
# prog_type: socket_filter
# priv: root
# expect: reject
# error: math between map_value pointer and register with unbounded min value is not allowed
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
