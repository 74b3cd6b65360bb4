# a register known to be 0 as divisor
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 10
r1 = 0
r0 /= r1
exit
