# a store through a scalar
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R2 invalid mem access 'scalar'
r2 = 8
r0 = 0
*(u32 *)(r2 +0) = r0
exit
