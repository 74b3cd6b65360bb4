# root may overwrite part of a spilled pointer: the slot becomes data
# prog_type: socket_filter
# priv: root
# expect: accept
*(u64 *)(r10 -8) = r1
r0 = 0
*(u32 *)(r10 -8) = r0
r0 = *(u64 *)(r10 -8)
exit
