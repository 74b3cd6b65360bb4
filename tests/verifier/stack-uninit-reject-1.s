# reading stack never written, without CAP_PERFMON
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: invalid read from stack R10 off=-8 size=8
# errno: EACCES
r0 = *(u64 *)(r10 -8)
exit
