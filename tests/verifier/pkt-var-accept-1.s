# a variable offset up to 0xfffb still gets a range
# prog_type: xdp
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = *(u32 *)(r1 +12)
r4 &= 0xfffb
r2 += r4
r5 = r2
r5 += 4
if r5 > r3 goto +1
r0 = *(u8 *)(r2 +3)
r0 = 2
exit
