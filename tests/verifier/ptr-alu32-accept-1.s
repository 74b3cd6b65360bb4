# 32-bit subtraction on a pointer gives a scalar (root)
# prog_type: socket_filter
# priv: root
# expect: accept
w1 -= 1
r0 = r1
exit
