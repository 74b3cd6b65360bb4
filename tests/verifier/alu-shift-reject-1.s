# 64-bit shift by 64
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid shift 64
r0 = 1
r0 <<= 64
exit
