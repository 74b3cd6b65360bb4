# 32-bit shift by 32
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid shift 32
r0 = 1
w0 >>= 32
exit
