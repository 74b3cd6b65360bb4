# map_update_elem's value of 8 bytes: only 4 on the stack
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid read from stack R3 off=-4 size=8
# map: hash key=4 value=8 entries=16
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r3 = r10
r3 += -4
r4 = 0
r1 = map[idx:0]
call 2
exit
