# call with a destination register
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_CALL uses reserved fields
.insn 0x0000000700000185
r0 = 0
exit
