# sock_ops must return 0 or 1
# prog_type: sock_ops
# priv: root
# expect: reject
# error: At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]
r0 = 2
exit
