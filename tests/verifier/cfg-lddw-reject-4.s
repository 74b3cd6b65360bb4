# ld_imm64 with an unknown pseudo source (7)
# prog_type: socket_filter
# priv: root
# expect: reject
# error: unrecognized bpf_ld_imm64 insn
r0 = 0
.insn 0x0000000000007118
.insn 0x0000000000000000
exit
