# an 8-byte access at -7
# prog_type: socket_filter
# priv: root
# expect: reject
# error: misaligned stack access off 0+0+-7 size 8
r0 = *(u64 *)(r10 -7)
exit
