# a direct pointer read past the value
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid access to map value, value_size=48 off=48 size=8
# error: R1 min value is outside of the allowed memory range
# map: array key=4 value=48 entries=1
r1 = map[idx:0][0]+8
r0 = *(u64 *)(r1 +40)
exit
