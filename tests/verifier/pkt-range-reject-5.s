# pkt+14 <= data_end: a 2-byte read at 13 crosses the end
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to packet, off=13 size=2, R2(id=0,off=13,r=14)
# error: R2 offset is outside of the packet
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = r2
r4 += 14
if r4 <= r3 goto +2
r0 = 0
exit
r0 = *(u16 *)(r2 +13)
r0 = 2
exit
