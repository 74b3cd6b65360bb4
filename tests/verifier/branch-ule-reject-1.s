# unsigned <= 41: the taken branch goes to 41
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid access to map value, value_size=48 off=41 size=8
# error: R6 max value is outside of the allowed memory range
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
if r0 <= 41 goto +2
r0 = 0
exit
r6 += r0
r0 = *(u64 *)(r6 +0)
exit
