# mov of a register with an immediate
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_MOV uses reserved fields
r1 = 0
.insn 0x00000001000010bf
exit
