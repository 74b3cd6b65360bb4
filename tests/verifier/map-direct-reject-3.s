# direct value access is for arrays
# prog_type: socket_filter
# priv: root
# expect: reject
# error: no direct value access support for this map type
# map: hash key=4 value=8 entries=16
r1 = map[idx:0][0]+0
r0 = 0
exit
