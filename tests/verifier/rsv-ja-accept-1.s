# gotol: the offset in imm
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
.insn 0x0000000000000006
r0 = 1
exit
