# a packet read without a check against data_end
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)
# error: R2 offset is outside of the packet
# errno: EACCES
r2 = *(u32 *)(r1 +0)
r0 = *(u8 *)(r2 +0)
r0 = 2
exit
