# helper call with off
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_CALL uses reserved fields
.insn 0x0000000700010085
r0 = 0
exit
