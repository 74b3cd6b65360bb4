# multiplying a pointer
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 pointer arithmetic with *= operator prohibited
# errno: EACCES
r1 *= 2
r0 = 0
exit
