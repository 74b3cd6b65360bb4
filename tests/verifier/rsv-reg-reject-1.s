# destination register r11
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R11 is invalid
# errno: EINVAL
r0 = 0
.insn 0x0000000000000bb7
exit
