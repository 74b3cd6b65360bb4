# x in {0, 128} and x > 15: x - 90 is 38, too far for 8 bytes
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid access to map value, value_size=48 off=41 size=8
# error: R6 min value is outside of the allowed memory range
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
r0 &= 2
r0 <<= 6
if r0 <= 15 goto +3
r0 -= 87
r6 += r0
r0 = *(u64 *)(r6 +0)
r0 = 0
exit
