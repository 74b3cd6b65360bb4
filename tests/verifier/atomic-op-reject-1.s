# a 16-bit atomic add
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid atomic operand size
r1 = 0
*(u64 *)(r10 -8) = r1
r2 = 1
.insn 0x00000000fff82acb
r0 = 0
exit
