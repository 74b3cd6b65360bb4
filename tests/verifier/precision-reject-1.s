# precision: r6 (0 on the path explored first, 100 on the other) becomes
# a map value offset; the checkpoint at the join keeps it precise, so the
# second path is not pruned there and its access is out of range
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to map value, value_size=8 off=100 size=1
# error: R0 min value is outside of the allowed memory range
# map: array key=4 value=8 entries=1
call 7
r6 = 100
r7 = 1
r8 = 2
r9 = 3
r1 = 4
r2 = 5
if r0 > 5 goto +1
r6 = 0
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
if r0 == 0 goto +2
r0 += r6
r0 = *(u8 *)(r0 +0)
r0 = 2
exit
