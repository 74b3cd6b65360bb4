# data_end >= pkt+14: byte 14 is not readable
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to packet, off=14 size=1, R2(id=0,off=14,r=14)
# error: R2 offset is outside of the packet
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = r2
r4 += 14
if r3 >= r4 goto +2
r0 = 0
exit
r0 = *(u8 *)(r2 +14)
r0 = 2
exit
