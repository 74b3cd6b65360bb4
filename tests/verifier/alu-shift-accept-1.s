# shifts by width-1
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 1
r0 <<= 63
w0 >>= 31
r0 s>>= 63
exit
