# 32-bit modulo by an immediate 0
# prog_type: socket_filter
# priv: root
# expect: reject
# error: div by zero
r0 = 1
w0 %= 0
exit
