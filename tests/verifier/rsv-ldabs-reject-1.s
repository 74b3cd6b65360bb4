# legacy packet load with a destination register
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_LD_[ABS|IND] uses reserved fields
r6 = r1
.insn 0x0000000000000130
r0 = 0
exit
