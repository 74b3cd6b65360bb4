# ld_imm64 of a 64-bit constant
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = 0x123456789 ll
r0 = r1
r0 >>= 32
exit
