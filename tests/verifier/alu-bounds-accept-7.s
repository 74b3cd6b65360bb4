# xor of bounded values and neg of a constant
# prog_type: socket_filter
# priv: root
# expect: accept
# map: array key=4 value=48 entries=1
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
r0 &= 0x18
r0 ^= 0x7
r1 = -8
r1 = -r1
r0 += r1
r6 += r0
r0 = *(u8 *)(r6 +0)
exit
