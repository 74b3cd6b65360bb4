# arithmetic on a maybe-null map value
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 pointer arithmetic on map_value_or_null prohibited, null-check it first
# map: hash key=4 value=8 entries=16
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r0 += 8
r0 = 0
exit
