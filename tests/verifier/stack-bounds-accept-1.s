# the lowest and highest stack bytes
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
*(u64 *)(r10 -512) = r0
*(u8 *)(r10 -1) = r0
r0 = *(u64 *)(r10 -512)
exit
