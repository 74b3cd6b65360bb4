# a 32-bit atomic or on a map value
# prog_type: socket_filter
# priv: root
# expect: accept
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r1 = 1
lock *(u32 *)(r0 +4) |= r1
r1 = atomic_fetch_and((u32 *)(r0 +8), r1)
r0 = r1
exit
