# socket filter: family is for cgroup programs
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid bpf_context access off=88 size=4
r0 = *(u32 *)(r1 +88)
exit
