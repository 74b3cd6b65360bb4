# adding 0 to a map pointer is allowed
# prog_type: socket_filter
# priv: root
# expect: accept
# map: hash key=4 value=8 entries=16
r1 = map[idx:0]
r1 += 0
r0 = 0
exit
