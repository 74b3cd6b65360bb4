# a register spilled, read back narrower (the low half)
# prog_type: socket_filter
# priv: bpf
# expect: accept
r1 = 5
*(u64 *)(r10 -8) = r1
r0 = *(u32 *)(r10 -8)
exit
