# load base register r12
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R12 is invalid
r0 = 0
.insn 0x000000000000c061
exit
