# skb->sk read before the NULL check
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 invalid mem access 'sock_common_or_null'
r1 = *(u64 *)(r1 +168)
r0 = *(u32 *)(r1 +4)
exit
