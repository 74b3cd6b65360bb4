# BPF_LDX with the ABS mode is checked before the opcode table
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_LDX uses reserved fields
r0 = 0
.insn 0x0000000000000021
exit
