# the same bytes used after masking them
# prog_type: xdp
# priv: root
# expect: accept
*(u64 *)(r10 -8) = 0
r6 = r1
call 7
r4 = r0
r4 &= 7
r4 += 1
r1 = r6
r2 = 0
r3 = r10
r3 += -8
call 189
r0 = *(u8 *)(r10 -8)
r0 &= 7
r1 = r10
r1 += -8
r1 += r0
r0 = *(u8 *)(r1 +0)
r0 = 2
exit
