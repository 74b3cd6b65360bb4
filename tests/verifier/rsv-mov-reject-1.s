# mov with an immediate and a source register
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_MOV uses reserved fields
.insn 0x00000000000010b7
exit
