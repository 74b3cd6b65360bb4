# copies of r10 may change
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = r10
r1 += -8
r0 = 0
exit
