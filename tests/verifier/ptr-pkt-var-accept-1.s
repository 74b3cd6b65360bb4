# packet pointer + a bounded variable, root
# prog_type: xdp
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +0)
r4 = *(u32 *)(r1 +12)
r4 &= 0xff
r2 += r4
r0 = 0
exit
