# map-in-map (hash): pointer arithmetic on the lookup before the null check
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 pointer arithmetic on map_ptr_or_null prohibited, null-check it first
# map: array key=4 value=8 entries=1
# map: hash_of_maps key=4 value=4 entries=4 inner=0
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:1]
call 1
r0 += 8
r0 = 0
exit
