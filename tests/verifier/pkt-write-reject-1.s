# cgroup_skb may only read the packet
# prog_type: cgroup_skb
# priv: root
# expect: reject
# error: cannot write into packet
r2 = *(u32 *)(r1 +76)
r3 = *(u32 *)(r1 +80)
r4 = r2
r4 += 14
if r4 > r3 goto +2
r0 = 1
*(u8 *)(r2 +0) = r0
r0 = 1
exit
