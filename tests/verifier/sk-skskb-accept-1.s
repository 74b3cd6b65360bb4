# sk_skb programs see __sk_buff->sk as the other skb types do
# prog_type: sk_skb
# priv: root
# expect: accept
r1 = *(u64 *)(r1 +168)
r0 = 1
if r1 == 0 goto +1
r0 = *(u32 *)(r1 +4)
r0 = 1
exit
