# x s>> 63 | 8 is -1 or 8 (forked): the -1 path reads before the value
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid access to map value, value_size=48 off=-1 size=1
# error: R6 min value is outside of the allowed memory range
# map: array key=4 value=48 entries=1
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
r0 s>>= 63
r0 |= 8
r6 += r0
r0 = *(u8 *)(r6 +0)
exit
