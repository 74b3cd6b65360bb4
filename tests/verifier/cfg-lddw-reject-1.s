# ld_imm64 as the last instruction: the subprogram check comes first
# prog_type: socket_filter
# priv: root
# expect: reject
# error: last insn is not an exit or jmp
r0 = 0
.insn 0x0000000000000018
