# the same as root
# prog_type: socket_filter
# priv: root
# expect: accept
r2 = 0
*(u64 *)(r10 -8) = r2
lock *(u64 *)(r10 -8) += r1
r0 = 0
exit
