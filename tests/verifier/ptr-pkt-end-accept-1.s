# pkt_end may be compared, not moved
# prog_type: xdp
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
if r3 > r2 goto +0
r0 = 2
exit
