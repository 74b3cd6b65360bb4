# loads through the stack and the context
# prog_type: socket_filter
# priv: root
# expect: accept
r2 = r10
*(u64 *)(r2 -8) = r1
r0 = *(u32 *)(r1 +0)
exit
