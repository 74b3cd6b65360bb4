# pkt_meta' against pkt_end proves nothing (only against data): the
# taken side is explored, and the meta pointer still has r=0
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to packet, off=8 size=8, R9(id=0,off=8,r=0)
# error: R9 offset is outside of the packet
r9 = *(u32 *)(r1 +8)
r7 = *(u32 *)(r1 +4)
r2 = r9
r2 += 16
if r7 >= r2 goto +1
goto +1
r0 = *(u64 *)(r9 +8)
r0 = 2
exit
