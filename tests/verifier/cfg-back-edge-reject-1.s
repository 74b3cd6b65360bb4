# a jump to itself without CAP_BPF
# prog_type: socket_filter
# priv: unpriv
# expect: reject
# error: back-edge from insn 1 to 1
r0 = 0
if r0 > 1 goto -1
exit
