# opcodes are checked before reachability
# prog_type: socket_filter
# priv: root
# expect: reject
# error: unknown opcode f4
r0 = 0
exit
.insn 0x00000000000000f4
exit
