# sk_msg: message bytes need a bounds check against data_end
# prog_type: sk_msg
# priv: root
# expect: reject
# error: invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)
r2 = *(u64 *)(r1 +0)
r0 = *(u8 *)(r2 +0)
r0 = 1
exit
