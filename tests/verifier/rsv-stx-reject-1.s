# store of a register with an immediate
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_STX uses reserved fields
r0 = 0
.insn 0x000000010000a07b
exit
