# exit with an immediate
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_EXIT uses reserved fields
r0 = 0
.insn 0x0000000100000095
