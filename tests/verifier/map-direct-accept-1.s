# a direct pointer into a single-element array
# prog_type: socket_filter
# priv: root
# expect: accept
# map: array key=4 value=48 entries=1
r1 = map[idx:0][0]+8
r0 = *(u64 *)(r1 +32)
exit
