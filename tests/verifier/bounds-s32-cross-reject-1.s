# without the u32 bound: 0 or 0xffffffff
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
w0 <<= 31
w0 s>>= 31
r6 += r0
r0 = *(u64 *)(r6 +0)
r0 = 0
exit
