# a pointer spilled and filled keeps its type
# prog_type: socket_filter
# priv: root
# expect: accept
*(u64 *)(r10 -8) = r1
r2 = *(u64 *)(r10 -8)
r0 = *(u32 *)(r2 +0)
exit
