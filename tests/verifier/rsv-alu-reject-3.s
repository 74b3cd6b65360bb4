# off=1 (signed) is only for div and mod
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_ALU uses reserved fields
r0 = 0
.insn 0x0000000100010007
exit
