# trace_printk's format arguments are optional (r3-r5 may be unset)
# prog_type: socket_filter
# priv: root
# expect: accept
*(u64 *)(r10 -8) = 0
r1 = r10
r1 += -8
r2 = 8
call 6
r0 = 0
exit
