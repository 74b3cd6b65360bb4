# precision through the stack: the offset is spilled to fp-16 and filled
# back after the join; backtracking follows the fill to the slot, which the
# checkpoint keeps precise, so the path that spilled 100 is not pruned
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to map value, value_size=8 off=100 size=1
# error: R0 min value is outside of the allowed memory range
# map: array key=4 value=8 entries=1
call 7
r6 = 100
*(u64 *)(r10 -16) = r6
r7 = 1
r8 = 2
r9 = 3
r1 = 4
if r0 > 5 goto +2
r6 = 0
*(u64 *)(r10 -16) = r6
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
if r0 == 0 goto +4
r6 = 7
r6 = *(u64 *)(r10 -16)
r0 += r6
r0 = *(u8 *)(r0 +0)
r0 = 2
exit
