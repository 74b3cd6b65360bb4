# for_each_map_elem runs its callback any number of times: a counter
# used as an offset after the walk reaches the end of the 8-byte value
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to map value, value_size=8 off=8 size=1
# error: R0 min value is outside of the allowed memory range
# map: hash key=4 value=8 entries=4
# map: array key=4 value=8 entries=1
*(u64 *)(r10 -8) = 0
r1 = map[idx:0]
r2 = subprog[cb]
r3 = r10
r3 += -8
r4 = 0
call 164
*(u32 *)(r10 -12) = 0
r2 = r10
r2 += -12
r1 = map[idx:1]
call 1
r1 = *(u64 *)(r10 -8)
r0 += r1
r0 = *(u8 *)(r0 +0)
r0 = 2
exit
cb:
r1 = *(u64 *)(r4 +0)
r1 += 1
*(u64 *)(r4 +0) = r1
r0 = 0
exit
