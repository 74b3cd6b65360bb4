# x s>> 63 is -1 or 0; & 8 then: 0 or 8 (the kernel forks the state)
# prog_type: socket_filter
# priv: root
# expect: accept
# map: array key=4 value=48 entries=1
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
r0 s>>= 63
r0 &= 8
r6 += r0
r0 = *(u64 *)(r6 +0)
exit
