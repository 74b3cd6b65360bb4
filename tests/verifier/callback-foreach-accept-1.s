# bpf_for_each_map_elem: the callback gets the map, a key, a value and
# the ctx; it sums the values into the caller's stack
# prog_type: xdp
# priv: root
# expect: accept
# map: hash key=4 value=8 entries=4
*(u64 *)(r10 -8) = 0
r1 = map[idx:0]
r2 = subprog[cb]
r3 = r10
r3 += -8
r4 = 0
call 164
r0 = *(u64 *)(r10 -8)
r0 &= 3
exit
cb:
r1 = *(u32 *)(r2 +0)
r5 = *(u64 *)(r3 +0)
r5 += r1
r1 = *(u64 *)(r4 +0)
r1 += r5
*(u64 *)(r4 +0) = r1
r0 = 0
exit
