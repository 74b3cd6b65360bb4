# BPF_LDX with a nonzero imm
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_LDX uses reserved fields
# errno: EINVAL
r0 = 0
.insn 0x0000000100001061
exit
