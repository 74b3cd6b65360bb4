# an index up to 0xffffffff
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R6 unbounded memory access, make sure to bounds check any such access
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
r0 <<= 32
r0 >>= 32
r6 += r0
r0 = *(u8 *)(r6 +0)
exit
