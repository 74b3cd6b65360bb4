# map_update_elem with key and value on the stack
# prog_type: socket_filter
# priv: root
# expect: accept
# map: hash key=4 value=8 entries=16
*(u32 *)(r10 -4) = 0
*(u64 *)(r10 -16) = 0
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = 0
r1 = map[idx:0]
call 2
exit
