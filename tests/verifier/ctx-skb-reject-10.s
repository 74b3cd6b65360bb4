# skb->sk is an 8-byte load
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid bpf_context access off=168 size=4
r0 = *(u32 *)(r1 +168)
exit
