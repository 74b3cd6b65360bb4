# sk_skb: cb[] is not writable
# prog_type: sk_skb
# priv: root
# expect: reject
# error: invalid bpf_context access off=48 size=4
r3 = 1
*(u32 *)(r1 +48) = r3
r0 = 1
exit
