# a conditional jump on a register with an immediate
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_JMP/JMP32 uses reserved fields
r0 = 0
.insn 0x000000010000001d
exit
