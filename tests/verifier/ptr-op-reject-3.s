# and on a pointer
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 bitwise operator &= on pointer prohibited
r1 &= 1
r0 = 0
exit
