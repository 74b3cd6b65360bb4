# sk_skb's __sk_buff->sk needs its NULL check too
# prog_type: sk_skb
# priv: root
# expect: reject
# error: R1 invalid mem access 'sock_common_or_null'
r1 = *(u64 *)(r1 +168)
r0 = *(u32 *)(r1 +4)
r0 = 1
exit
