# jump ranges are checked before opcodes
# prog_type: socket_filter
# priv: root
# expect: reject
# error: jump out of range from insn 1 to 7
r0 = 0
goto +5
.insn 0x00000000000000f4
exit
