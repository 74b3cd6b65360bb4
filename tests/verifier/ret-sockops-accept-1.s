# sock_ops returns 0 or 1
# prog_type: sock_ops
# priv: root
# expect: accept
r0 = 0
exit
