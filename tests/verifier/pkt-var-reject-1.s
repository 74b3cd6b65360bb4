# a variable offset up to 0xfffc gets none (MAX_PACKET_OFF)
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to packet, off=3 size=1, R2(id=1,off=3,r=0)
# error: R2 offset is outside of the packet
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = *(u32 *)(r1 +12)
r4 &= 0xfffc
r2 += r4
r5 = r2
r5 += 4
if r5 > r3 goto +1
r0 = *(u8 *)(r2 +3)
r0 = 2
exit
