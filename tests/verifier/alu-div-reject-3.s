# signed division by an immediate 0
# prog_type: socket_filter
# priv: root
# expect: reject
# error: div by zero
r0 = 1
r0 s/= 0
exit
