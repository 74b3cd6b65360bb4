# an index bounded by a signed comparison only: the minimum is negative
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
if r0 s> 5 goto +3
r0 <<= 3
r6 += r0
r0 = *(u64 *)(r6 +0)
r0 = 0
exit
