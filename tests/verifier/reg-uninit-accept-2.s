# R0 set on every path
# prog_type: socket_filter
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +0)
r0 = 0
if r2 > 5 goto +1
r0 = 1
exit
