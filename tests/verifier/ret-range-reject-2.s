# cgroup_skb egress returns 0..3
# prog_type: cgroup_skb
# priv: root
# expect: reject
# error: At program exit the register R0 has smin=4 smax=4 should have been in [0, 3]
# attach_type: cgroup_inet_egress
r0 = 4
exit
