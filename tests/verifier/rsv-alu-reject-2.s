# ALU with a source register and an immediate
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_ALU uses reserved fields
r0 = 0
r1 = 0
.insn 0x000000050000100f
exit
