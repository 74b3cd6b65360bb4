# for_each_map_elem: a counter no check relies on is widened after one
# iteration and the walk converges
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
r0 &= 1
r0 += 1
exit
cb:
r1 = *(u64 *)(r4 +0)
r1 += 1
*(u64 *)(r4 +0) = r1
r0 = 0
exit
