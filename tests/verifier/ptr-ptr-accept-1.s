# pointer -= pointer gives a scalar (root)
# prog_type: socket_filter
# priv: root
# expect: accept
r2 = r10
r2 -= r1
r0 = r2
exit
