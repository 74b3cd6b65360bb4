# sdiv and smod (off=1)
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 10
r0 s/= 3
w0 s%= 2
exit
