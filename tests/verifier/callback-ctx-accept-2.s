# a callback may read the program's ctx through a pointer the caller
# spilled on its stack: the access is a ctx access in the callback
# prog_type: xdp
# priv: root
# expect: accept
*(u64 *)(r10 -8) = r1
*(u64 *)(r10 -16) = 0
r1 = 2
r2 = subprog[cb]
r3 = r10
r3 += -16
r4 = 0
call 181
r0 = *(u64 *)(r10 -16)
r0 &= 1
r0 += 1
exit
cb:
r3 = *(u64 *)(r2 +8)
r4 = *(u32 *)(r3 +4)
r3 = *(u32 *)(r3 +0)
r4 -= r3
*(u64 *)(r2 +0) = r4
r0 = 0
exit
