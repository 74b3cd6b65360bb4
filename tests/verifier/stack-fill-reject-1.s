# a value filled from data bytes is unknown
# prog_type: socket_filter
# priv: root
# expect: reject
# error: math between fp pointer and register with unbounded min value is not allowed
r1 = *(u32 *)(r1 +0)
r1 &= 7
*(u32 *)(r10 -8) = r1
r2 = *(u64 *)(r10 -8)
r3 = r10
r3 += -16
r3 += r2
r0 = *(u8 *)(r3 +0)
exit
