# for_each_map_elem walks hash and array maps only
# prog_type: xdp
# priv: root
# expect: reject
# error: callback function not allowed for map
# errno: ENOTSUPP
# map: queue key=0 value=8 entries=4
r1 = map[idx:0]
r2 = subprog[cb]
r3 = 0
r4 = 0
call 164
r0 = 2
exit
cb:
r0 = 0
exit
