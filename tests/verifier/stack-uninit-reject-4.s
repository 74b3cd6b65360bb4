# a byte inside an allocated slot never written
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: invalid read from stack off -16+0 size 1
*(u64 *)(r10 -8) = 1
*(u8 *)(r10 -9) = 1
r0 = *(u8 *)(r10 -16)
exit
