# skb->sk is sock_common_or_null: after the NULL check its family is readable
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +1
r0 = *(u32 *)(r1 +4)
exit
