# ALU on r10
# prog_type: socket_filter
# priv: root
# expect: reject
# error: frame pointer is read only
r10 += 8
r0 = 0
exit
