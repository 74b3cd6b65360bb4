# the value pointer covers the map's value_size
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to map value, value_size=8 off=8 size=8
# error: R3 min value is outside of the allowed memory range
# map: hash key=4 value=8 entries=4
r1 = map[idx:0]
r2 = subprog[cb]
r3 = 0
r4 = 0
call 164
r0 = 2
exit
cb:
r0 = *(u64 *)(r3 +8)
r0 = 0
exit
