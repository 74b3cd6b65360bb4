# scalar -= pointer
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 tried to subtract pointer from scalar
r0 = 0
r0 -= r1
exit
