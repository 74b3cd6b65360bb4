# neg of a scalar
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 5
r0 = -r0
w0 = -w0
exit
