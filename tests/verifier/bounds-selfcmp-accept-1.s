# a register compared with itself: w0 > w0 never holds, the kernel still explores it
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
r0 &= 0x1f
if w0 > w0 goto +0
r6 += r0
r0 = *(u64 *)(r6 +0)
r0 = 0
exit
