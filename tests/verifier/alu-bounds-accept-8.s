# a sign-extending move of a byte below 0x80
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
r0 &= 0x1f
r0 = (s8)r0
r6 += r0
r0 = *(u8 *)(r6 +0)
exit
