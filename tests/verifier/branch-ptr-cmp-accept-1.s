# comparing pointers as root
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
if r1 > r10 goto +0
exit
