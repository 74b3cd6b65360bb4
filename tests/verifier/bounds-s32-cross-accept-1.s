# s32 in [-1, 0] and u32 >= 3 meet only in 0xffffffff: w0 + 1 is 0
# prog_type: socket_filter
# priv: root
# expect: accept
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
if w0 <= 2 goto +3
w0 += 1
r6 += r0
r0 = *(u64 *)(r6 +0)
r0 = 0
exit
