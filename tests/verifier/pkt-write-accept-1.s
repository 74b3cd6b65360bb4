# XDP may write the packet
# prog_type: xdp
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = r2
r4 += 14
if r4 > r3 goto +2
r0 = 1
*(u8 *)(r2 +0) = r0
r0 = 2
exit
