# a variable stack offset, root
# prog_type: socket_filter
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +0)
r2 &= 8
r1 = r10
r1 += -16
r1 += r2
r0 = 0
*(u64 *)(r1 +0) = r0
r0 = *(u64 *)(r1 +0)
exit
