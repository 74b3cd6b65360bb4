# bytes anywhere, halves at even offsets
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
*(u8 *)(r10 -7) = r0
*(u16 *)(r10 -6) = r0
*(u32 *)(r10 -4) = r0
r1 = r10
r1 += -3
*(u8 *)(r1 +0) = r0
exit
