# a jump into the second slot of ld_imm64
# prog_type: socket_filter
# priv: root
# expect: reject
# error: jump into the middle of ldimm64 insn 1
r0 = 0
r1 = 0x1 ll
goto -2
exit
