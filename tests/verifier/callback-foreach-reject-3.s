# the key pointer covers the map's key_size
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to map key, key_size=4 off=0 size=8
# error: R2 min value is outside of the allowed memory range
# map: hash key=4 value=8 entries=4
r1 = map[idx:0]
r2 = subprog[cb]
r3 = 0
r4 = 0
call 164
r0 = 2
exit
cb:
r0 = *(u64 *)(r2 +0)
r0 = 0
exit
