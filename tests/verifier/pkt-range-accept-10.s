# tc: data and data_end from __sk_buff
# prog_type: sched_cls
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +76)
r3 = *(u32 *)(r1 +80)
r4 = r2
r4 += 8
if r4 > r3 goto +1
r0 = *(u64 *)(r2 +0)
r0 = 0
exit
