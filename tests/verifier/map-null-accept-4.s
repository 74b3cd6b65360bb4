# two lookups, two ids: each check covers its own
# prog_type: socket_filter
# priv: root
# expect: accept
# map: hash key=4 value=8 entries=16
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
*(u32 *)(r10 -8) = 0
r2 = r10
r2 += -8
r1 = map[idx:1]
call 1
if r6 == 0 goto +1
r0 = *(u64 *)(r6 +0)
r0 = 0
exit
