# neg with an immediate
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_NEG uses reserved fields
r0 = 1
.insn 0x0000000100000087
exit
