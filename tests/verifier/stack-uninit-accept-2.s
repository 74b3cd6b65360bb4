# written, then read, without CAP_PERFMON
# prog_type: socket_filter
# priv: bpf
# expect: accept
*(u64 *)(r10 -8) = 1
r0 = *(u64 *)(r10 -8)
r0 = *(u32 *)(r10 -4)
r0 = *(u8 *)(r10 -1)
exit
