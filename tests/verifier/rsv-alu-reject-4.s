# off=2 on div
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_ALU uses reserved fields
r0 = 5
.insn 0x0000000100020037
exit
