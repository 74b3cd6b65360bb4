# map value + a constant of 2^40
# prog_type: socket_filter
# priv: root
# expect: reject
# error: math between map_value pointer and 1099511627776 is not allowed
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
if r0 == 0 goto +4
r1 = 0x10000000000 ll
r0 += r1
exit
r0 = 0
exit
