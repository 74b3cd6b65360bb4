# no atomics on packet data
# prog_type: xdp
# priv: root
# expect: reject
# error: BPF_ATOMIC stores into R2 pkt is not allowed
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = r2
r4 += 8
if r4 > r3 goto +2
r5 = 1
lock *(u64 *)(r2 +0) += r5
r0 = 2
exit
