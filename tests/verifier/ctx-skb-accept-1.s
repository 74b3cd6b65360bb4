# socket filter: narrow reads and cb writes
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = *(u8 *)(r1 +0)
r0 = *(u16 *)(r1 +2)
r0 = *(u32 *)(r1 +8)
r0 = *(u8 *)(r1 +16)
r2 = 1
*(u32 *)(r1 +48) = r2
*(u64 *)(r1 +56) = r2
r0 = *(u64 *)(r1 +48)
exit
