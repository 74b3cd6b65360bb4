# a spilled copy is linked too
# prog_type: socket_filter
# priv: root
# expect: accept
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
*(u64 *)(r10 -16) = r0
if r0 > 40 goto +4
r1 = *(u64 *)(r10 -16)
r6 += r1
r0 = *(u64 *)(r6 +0)
exit
r0 = 0
exit
