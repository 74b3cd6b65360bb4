# the range reaches every copy of the pointer
# prog_type: xdp
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = r2
r4 += 14
r5 = r2
if r4 > r3 goto +2
r0 = *(u32 *)(r5 +10)
r0 = *(u8 *)(r4 -1)
r0 = 2
exit
