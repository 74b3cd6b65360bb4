# data_meta without a check
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to packet, off=0 size=4, R2(id=0,off=0,r=0)
# error: R2 offset is outside of the packet
r2 = *(u32 *)(r1 +8)
r0 = *(u32 *)(r2 +0)
r0 = 2
exit
