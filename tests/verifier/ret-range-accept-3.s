# an unknown scalar masked to one bit
# prog_type: cgroup_skb
# priv: root
# expect: accept
call 7
r0 &= 1
exit
