# byte swap of width 8
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_END uses reserved fields
r0 = 1
.insn 0x00000008000000dc
exit
