# an array lookup with a constant in-range key is never null (6.18)
# prog_type: socket_filter
# priv: root
# expect: accept
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r0 += 8
r0 = *(u64 *)(r0 +0)
exit
