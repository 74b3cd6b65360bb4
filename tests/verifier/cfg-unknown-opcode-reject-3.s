# sign-extending 64-bit load (0x99) does not exist
# prog_type: socket_filter
# priv: root
# expect: reject
# error: unknown opcode 99
r0 = 0
.insn 0x0000000000000099
exit
