# neg with a register source (0x8c) is not an opcode
# prog_type: socket_filter
# priv: root
# expect: reject
# error: unknown opcode 8c
r0 = 0
.insn 0x000000000000008c
exit
