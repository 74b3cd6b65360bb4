# source register r11
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R11 is invalid
r0 = 0
.insn 0x000000000000b0bf
exit
