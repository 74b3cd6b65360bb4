# the same loop making progress
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
r1 = 5
r1 -= 1
if r1 > 2 goto -2
exit
