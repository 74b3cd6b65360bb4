# byte swaps are tracked: be16 of x & 0xff is at most 0xff00, >> 10 is at most 63... & 31
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
r0 &= 0xff
r0 = be16 r0
r0 >>= 11
r6 += r0
r0 = *(u64 *)(r6 +0)
r0 = 0
exit
