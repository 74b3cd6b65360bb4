# 32-bit movsx from 32 bits (off=32) does not exist
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_MOV uses reserved fields
r1 = 0
.insn 0x00000000002010bc
exit
