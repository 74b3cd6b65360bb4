# cgroup_skb unprivileged: plain fields
# prog_type: cgroup_skb
# priv: unpriv
# expect: accept
r0 = *(u32 *)(r1 +0)
r0 = *(u32 *)(r1 +88)
r0 = 1
exit
