# mov with an immediate and off
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_MOV uses reserved fields
.insn 0x00000000000100b7
exit
