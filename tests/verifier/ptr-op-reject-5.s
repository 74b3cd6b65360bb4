# neg of a pointer (CAP_BPF)
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: R1 pointer arithmetic prohibited
r1 = -r1
r0 = 0
exit
