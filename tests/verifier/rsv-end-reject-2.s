# byte swap with a source register
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_END uses reserved fields
r0 = 1
.insn 0x00000010000010dc
exit
