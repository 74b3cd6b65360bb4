# root may read uninitialised stack
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = *(u64 *)(r10 -8)
exit
