# stack liveness: the byte zeroed on the path explored first and unknown
# on the other is read after the join and used as a map value offset: the
# checkpoint at the join keeps the slot live, the second path is not pruned
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to map value, value_size=8 off=255 size=1
# error: R0 max value is outside of the allowed memory range
# map: array key=4 value=8 entries=1
call 7
r6 = r0
r7 = 1
r8 = 2
r9 = 3
r1 = 4
r2 = 5
if r0 > 5 goto +2
*(u8 *)(r10 -7) = 0
goto +1
*(u8 *)(r10 -7) = r6
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
if r0 == 0 goto +3
r6 = *(u8 *)(r10 -7)
r0 += r6
r0 = *(u8 *)(r0 +0)
r0 = 2
exit
