# a map helper given a map
# prog_type: socket_filter
# priv: root
# expect: accept
# map: hash key=4 value=8 entries=16
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 3
exit
