# a sock_common_or_null pointer survives a spill; the fill keeps its id for the NULL check
# prog_type: sched_cls
# priv: root
# expect: accept
r1 = *(u64 *)(r1 +168)
*(u64 *)(r10 -8) = r1
r2 = *(u64 *)(r10 -8)
r0 = 0
if r2 == 0 goto +1
r0 = *(u32 *)(r1 +4)
exit
