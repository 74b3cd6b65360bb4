# an uninitialised key as root
# prog_type: socket_filter
# priv: root
# expect: accept
# map: hash key=4 value=8 entries=16
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r0 = 0
exit
