# an opcode the kernel does not know (0xff)
# prog_type: socket_filter
# priv: root
# expect: reject
# error: unknown opcode ff
.insn 0x00000000000000ff
r0 = 0
exit
