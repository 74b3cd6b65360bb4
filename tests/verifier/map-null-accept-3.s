# the check reaches a spilled copy
# prog_type: socket_filter
# priv: root
# expect: accept
# map: hash key=4 value=8 entries=16
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
*(u64 *)(r10 -16) = r0
if r0 == 0 goto +2
r1 = *(u64 *)(r10 -16)
r0 = *(u64 *)(r1 +0)
exit
