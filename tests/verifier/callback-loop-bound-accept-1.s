# the callback runs at most nr_loops times: a counter it increments, used
# as an offset after the loop, is at most 4 (the 8-byte value has room)
# prog_type: xdp
# priv: root
# expect: accept
# map: array key=4 value=8 entries=1
*(u64 *)(r10 -8) = 0
r1 = 4
r2 = subprog[cb]
r3 = r10
r3 += -8
r4 = 0
call 181
*(u32 *)(r10 -12) = 0
r2 = r10
r2 += -12
r1 = map[idx:0]
call 1
r1 = *(u64 *)(r10 -8)
r0 += r1
r0 = *(u32 *)(r0 +0)
r0 = 2
exit
cb:
r1 = *(u64 *)(r2 +0)
r1 += 1
*(u64 *)(r2 +0) = r1
r0 = 0
exit
