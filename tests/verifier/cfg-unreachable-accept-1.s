# both successors of a branch reachable
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = *(u32 *)(r1 +0)
if r0 > 5 goto +1
r0 = 1
exit
