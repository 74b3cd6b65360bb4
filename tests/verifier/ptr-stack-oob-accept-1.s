# the same as root
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = r10
r1 += -520
r0 = 0
exit
