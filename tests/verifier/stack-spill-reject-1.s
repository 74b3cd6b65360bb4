# a narrow fill of a spilled pointer
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid size of register fill
*(u64 *)(r10 -8) = r1
r0 = *(u32 *)(r10 -8)
exit
