# store of an immediate with a source register
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_ST uses reserved fields
r0 = 0
.insn 0x000000000000a162
exit
