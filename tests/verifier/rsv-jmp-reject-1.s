# a conditional jump on an immediate with a source register
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_JMP/JMP32 uses reserved fields
r0 = 0
.insn 0x0000000000001015
exit
