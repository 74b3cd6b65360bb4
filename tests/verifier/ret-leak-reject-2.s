# returning the frame pointer, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: R0 leaks addr as return value
r0 = r10
exit
