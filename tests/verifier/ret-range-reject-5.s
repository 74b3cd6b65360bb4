# a negative constant
# prog_type: cgroup_skb
# priv: root
# expect: reject
# error: At program exit the register R0 has smin=-1 smax=-1 should have been in [0, 1]
r0 = -1
exit
