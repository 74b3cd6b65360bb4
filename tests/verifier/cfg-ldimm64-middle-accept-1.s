# a jump onto the first slot of ld_imm64
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = *(u32 *)(r1 +0)
if r0 > 5 goto +0
r1 = 0x1 ll
exit
