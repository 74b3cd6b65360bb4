# direct value access needs max_entries 1
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid access to map value pointer, value_size=48 off=0
# errno: ENOTSUPP
# map: array key=4 value=48 entries=2
r1 = map[idx:0][0]+0
r0 = 0
exit
