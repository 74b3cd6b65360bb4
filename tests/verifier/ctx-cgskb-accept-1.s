# cgroup_skb: family, ports, mark written
# prog_type: cgroup_skb
# priv: root
# expect: accept
r0 = *(u32 *)(r1 +88)
r0 = *(u32 *)(r1 +132)
r0 = *(u32 *)(r1 +92)
r2 = 1
*(u32 *)(r1 +8) = r2
r0 = 1
exit
