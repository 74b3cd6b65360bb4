# sock_ops: a narrow read of a field other than skb_tcp_flags
# prog_type: sock_ops
# priv: root
# expect: reject
# error: invalid bpf_context access off=64 size=2
r2 = *(u16 *)(r1 +64)
r0 = 1
exit
