# sock_ops: a narrow load inside skb_tcp_flags but not at its start
# prog_type: sock_ops
# priv: root
# expect: reject
# error: invalid bpf_context access off=214 size=2
r4 = *(u16 *)(r1 +214)
r0 = 0
exit
