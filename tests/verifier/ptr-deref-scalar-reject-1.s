# a load through a scalar
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 invalid mem access 'scalar'
r0 = 0
r0 = *(u64 *)(r0 +0)
exit
