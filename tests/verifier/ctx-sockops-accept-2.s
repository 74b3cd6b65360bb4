# sock_ops: bytes_received is a u64, skb_tcp_flags may be read narrow at its offset
# prog_type: sock_ops
# priv: root
# expect: accept
r2 = *(u64 *)(r1 +168)
r3 = *(u8 *)(r1 +212)
r4 = *(u16 *)(r1 +212)
r0 = 0
exit
