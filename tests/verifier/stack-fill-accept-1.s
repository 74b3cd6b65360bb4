# a value filled from the stack is the spilled scalar (bounds kept)
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = *(u32 *)(r1 +0)
r1 &= 7
*(u64 *)(r10 -8) = r1
r2 = *(u64 *)(r10 -8)
r3 = r10
r3 += -16
r3 += r2
r0 = *(u8 *)(r3 +0)
exit
