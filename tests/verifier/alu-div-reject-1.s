# division by an immediate 0
# prog_type: socket_filter
# priv: root
# expect: reject
# error: div by zero
# errno: EINVAL
r0 = 1
r0 /= 0
exit
