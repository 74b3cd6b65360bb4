# a bounded loop without CAP_BPF
# prog_type: socket_filter
# priv: unpriv
# expect: reject
# error: back-edge from insn 2 to 1
r0 = 0
r0 += 1
if r0 < 10 goto -2
exit
