# w0 = u32 & 0x1f, then 32-bit add 8: 8..39
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
w0 &= 0x1f
w0 += 8
r6 += r0
r0 = *(u64 *)(r6 +0)
exit
