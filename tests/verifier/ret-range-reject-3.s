# an unknown scalar
# prog_type: cgroup_skb
# priv: root
# expect: reject
# error: At program exit the register R0 has unknown scalar value should have been in [0, 1]
call 7
exit
