# spilled scalar constants keep their value
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = 16
*(u64 *)(r10 -16) = r1
*(u64 *)(r10 -8) = 0
r2 = *(u64 *)(r10 -16)
r3 = r10
r3 += -32
r3 += r2
r0 = *(u64 *)(r3 +0)
exit
