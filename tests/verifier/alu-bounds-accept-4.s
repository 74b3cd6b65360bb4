# (x & 3) << 3 | 1 and - 1: 0..24
# prog_type: socket_filter
# priv: root
# expect: accept
# map: array key=4 value=48 entries=1
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
r0 &= 3
r0 <<= 3
r0 |= 1
r0 -= 1
r6 += r0
r0 = *(u64 *)(r6 +0)
exit
