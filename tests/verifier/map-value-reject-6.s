# a negative index after a signed check
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R6 min value is negative, either use unsigned index or do a if (index >=0) check.
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
if r0 s> 5 goto +4
if r0 s< -3 goto +3
r6 += r0
r0 = *(u8 *)(r6 +0)
r0 = 0
exit
