# map-in-map: the outer lookup used as a map before the null check
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 type=map_ptr_or_null expected=map_ptr
# map: array key=4 value=8 entries=1
# map: array_of_maps key=4 value=4 entries=1 inner=0
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:1]
call 1
r1 = r0
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
call 1
r0 = 0
exit
