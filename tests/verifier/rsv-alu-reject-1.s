# ALU with an immediate and a source register
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_ALU uses reserved fields
# errno: EINVAL
r0 = 0
.insn 0x0000000100001007
exit
