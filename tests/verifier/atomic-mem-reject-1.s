# an atomic past the end of the value
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid access to map value, value_size=48 off=48 size=8
# error: R0 min value is outside of the allowed memory range
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r1 = 1
lock *(u64 *)(r0 +48) += r1
r0 = 0
exit
