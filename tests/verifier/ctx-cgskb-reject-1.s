# cgroup_skb: no data_meta
# prog_type: cgroup_skb
# priv: root
# expect: reject
# error: invalid bpf_context access off=140 size=4
r0 = *(u32 *)(r1 +140)
r0 = 1
exit
