# goto with an immediate
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_JA uses reserved fields
r0 = 0
.insn 0x0000000100000005
exit
