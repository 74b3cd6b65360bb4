# no atomics on socket memory
# prog_type: sched_cls
# priv: root
# expect: reject
# error: BPF_ATOMIC stores into R1 sock_common is not allowed
r1 = *(u64 *)(r1 +168)
r0 = 1
if r1 == 0 goto +2
r2 = 1
lock *(u32 *)(r1 +4) += r2
exit
