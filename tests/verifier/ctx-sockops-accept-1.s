# sock_ops: 4-byte reads of op, family, ports and state, a write of reply
# prog_type: sock_ops
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +20)
r4 = *(u32 *)(r1 +64)
r5 = *(u32 *)(r1 +68)
r2 = *(u32 *)(r1 +88)
r3 = 5
*(u32 *)(r1 +4) = r3
*(u32 *)(r1 +164) = r3
r0 = 1
exit
