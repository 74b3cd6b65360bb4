# sk_skb: len, the socket's family and port, packet pointers; priority is writable
# prog_type: sk_skb
# priv: root
# expect: accept
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +88)
r4 = *(u32 *)(r1 +132)
r5 = *(u32 *)(r1 +76)
r2 = *(u32 *)(r1 +80)
r3 = 7
*(u32 *)(r1 +32) = r3
r0 = 1
exit
