# checked against 0 first
# prog_type: socket_filter
# priv: root
# expect: accept
# map: hash key=4 value=8 entries=16
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
if r0 == 0 goto +1
r0 = *(u64 *)(r0 +0)
exit
