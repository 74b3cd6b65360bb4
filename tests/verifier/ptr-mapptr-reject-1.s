# arithmetic on a map pointer
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 pointer arithmetic on map_ptr prohibited
# map: hash key=4 value=8 entries=16
r1 = map[idx:0]
r1 += 8
r0 = 0
exit
