# x & 7 - 8: the minimum is negative
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R6 min value is negative, either use unsigned index or do a if (index >=0) check.
# map: array key=4 value=48 entries=1
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
r0 &= 7
r0 -= 8
r6 += r0
r0 = *(u8 *)(r6 +0)
exit
