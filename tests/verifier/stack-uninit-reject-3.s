# half of the slot written, without CAP_PERFMON
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: invalid read from stack off -8+4 size 8
*(u32 *)(r10 -8) = 1
r0 = *(u64 *)(r10 -8)
exit
