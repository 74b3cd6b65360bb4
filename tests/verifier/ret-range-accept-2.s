# cgroup_skb egress returning 3
# prog_type: cgroup_skb
# priv: root
# expect: accept
# attach_type: cgroup_inet_egress
r0 = 3
exit
