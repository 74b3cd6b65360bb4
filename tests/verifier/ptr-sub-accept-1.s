# scalar += pointer gives the pointer
# prog_type: socket_filter
# priv: root
# expect: accept
r2 = -8
r2 += r10
r0 = 0
*(u64 *)(r2 +0) = r0
exit
