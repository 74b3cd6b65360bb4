# ld_imm64 second slot with a register set
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid bpf_ld_imm64 insn
r0 = 0
.insn 0x0000000000000018
.insn 0x0000000000000100
exit
