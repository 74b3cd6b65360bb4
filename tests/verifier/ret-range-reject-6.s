# a pointer where a range is enforced
# prog_type: cgroup_skb
# priv: root
# expect: reject
# error: At program exit the register R0 is not a known value (ctx)
r0 = r1
exit
