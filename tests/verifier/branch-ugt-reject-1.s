# unsigned >: the taken branch is bounded below only
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
if r0 > 40 goto +1
exit
r6 += r0
r0 = *(u64 *)(r6 +0)
exit
