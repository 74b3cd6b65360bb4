# an atomic on uninitialised stack, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: invalid read from stack R10 off=-8 size=8
r2 = 1
lock *(u64 *)(r10 -8) += r2
r0 = 0
exit
