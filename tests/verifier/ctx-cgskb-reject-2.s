# cgroup_skb: tc_classid is tc's
# prog_type: cgroup_skb
# priv: root
# expect: reject
# error: invalid bpf_context access off=72 size=4
r0 = *(u32 *)(r1 +72)
r0 = 1
exit
