# no 32-bit link when the upper half may be set: r7 learns nothing
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R8 unbounded memory access, make sure to bounds check any such access
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r8 = r0
call 7
r6 = r0
r7 = r6
w7 += 1
if r6 > 7 goto +3
r8 += r7
r0 = *(u64 *)(r8 +0)
exit
r0 = 0
exit
