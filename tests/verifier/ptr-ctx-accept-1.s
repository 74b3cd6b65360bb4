# a context pointer moved back to its start
# prog_type: socket_filter
# priv: root
# expect: accept
r1 += 4
r1 += -4
r0 = *(u32 *)(r1 +0)
exit
