# a branch that cannot be taken is not explored (root)
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 1
if r0 == 1 goto +1
r0 = *(u64 *)(r0 +0)
exit
