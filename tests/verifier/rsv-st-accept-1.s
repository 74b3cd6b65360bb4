# stores of immediates of every size
# prog_type: socket_filter
# priv: root
# expect: accept
*(u8 *)(r10 -1) = 1
*(u16 *)(r10 -4) = 2
*(u32 *)(r10 -8) = 3
*(u64 *)(r10 -16) = 4
r0 = 0
exit
