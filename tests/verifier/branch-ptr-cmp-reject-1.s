# comparing pointers, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: R10 pointer comparison prohibited
r0 = 0
if r1 > r10 goto +0
exit
