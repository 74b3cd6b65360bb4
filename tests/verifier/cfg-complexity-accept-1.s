# a loop of 1000 iterations stays under it
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
r0 += 1
if r0 < 1000 goto -2
exit
