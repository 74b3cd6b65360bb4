# comparing a pointer with a constant, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: R1 pointer comparison prohibited
r0 = 0
if r1 == 5 goto +0
exit
