# cgroup_skb unprivileged: no direct packet access
# prog_type: cgroup_skb
# priv: unpriv
# expect: reject
# error: invalid bpf_context access off=76 size=4
r0 = *(u32 *)(r1 +76)
r0 = 1
exit
