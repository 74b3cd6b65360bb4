# sk_skb: mark is not readable
# prog_type: sk_skb
# priv: root
# expect: reject
# error: invalid bpf_context access off=8 size=4
r2 = *(u32 *)(r1 +8)
r0 = 1
exit
