# pkt+14 >= data_end jumps away: 15 bytes readable
# prog_type: xdp
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = r2
r4 += 14
if r4 >= r3 goto +1
r0 = *(u8 *)(r2 +14)
r0 = 2
exit
