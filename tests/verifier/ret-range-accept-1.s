# cgroup_skb ingress returning 1
# prog_type: cgroup_skb
# priv: root
# expect: accept
r0 = 1
exit
