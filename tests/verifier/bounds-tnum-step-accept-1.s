# x in {0, 128} (tnum) and x > 15: x is 128, so x - 100 is 28
# prog_type: socket_filter
# priv: root
# expect: accept
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
r0 &= 2
r0 <<= 6
if r0 <= 15 goto +3
r0 -= 100
r6 += r0
r0 = *(u64 *)(r6 +0)
r0 = 0
exit
