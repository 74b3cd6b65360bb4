# map value + an unbounded scalar
# prog_type: socket_filter
# priv: root
# expect: reject
# error: math between map_value pointer and register with unbounded min value is not allowed
# errno: EINVAL
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
if r6 == 0 goto +4
call 7
r6 += r0
r0 = *(u8 *)(r6 +0)
exit
r0 = 0
exit
