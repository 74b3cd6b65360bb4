# checking one lookup says nothing of another
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 invalid mem access 'map_value_or_null'
# map: hash key=4 value=8 entries=16
# map: hash key=4 value=8 entries=16
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
r0 = *(u64 *)(r0 +0)
r0 = 0
exit
