# pkt+14 >= data_end jumps away: byte 15 is not readable
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to packet, off=15 size=1, R2(id=0,off=15,r=15)
# error: R2 offset is outside of the packet
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = r2
r4 += 14
if r4 >= r3 goto +1
r0 = *(u8 *)(r2 +15)
r0 = 2
exit
