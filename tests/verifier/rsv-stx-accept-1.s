# stores of registers of every size
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
*(u8 *)(r10 -1) = r0
*(u16 *)(r10 -4) = r0
*(u32 *)(r10 -8) = r0
*(u64 *)(r10 -16) = r0
exit
