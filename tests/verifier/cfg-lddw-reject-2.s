# ld_imm64 whose second slot is another instruction
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid bpf_ld_imm64 insn
r0 = 0
.insn 0x0000000000000018
exit
