# pkt_meta' against an advanced data pointer proves nothing either
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to packet, off=0 size=8, R9(id=0,off=0,r=0)
# error: R9 offset is outside of the packet
r9 = *(u32 *)(r1 +8)
r8 = *(u32 *)(r1 +0)
r8 += 1
r2 = r9
r2 += 8
if r2 > r8 goto +1
r0 = *(u64 *)(r9 +0)
r0 = 2
exit
