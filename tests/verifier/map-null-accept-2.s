# the check reaches every copy (by id)
# prog_type: socket_filter
# priv: root
# expect: accept
# map: hash key=4 value=8 entries=16
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
r7 = r0
if r6 != 0 goto +2
r0 = 0
exit
r0 = *(u64 *)(r7 +0)
exit
