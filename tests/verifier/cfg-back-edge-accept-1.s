# a bounded loop as root: explored iteration by iteration
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
r0 += 1
if r0 < 10 goto -2
exit
