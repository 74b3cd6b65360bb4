# storing a pointer atomically, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: R1 leaks addr into mem
r2 = 0
*(u64 *)(r10 -8) = r2
lock *(u64 *)(r10 -8) += r1
r0 = 0
exit
