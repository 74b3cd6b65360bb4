# gotol (JMP32 JA) with off
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_JA uses reserved fields
r0 = 0
.insn 0x0000000000000006
.insn 0x0000000000010006
exit
