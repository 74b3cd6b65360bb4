# legacy packet loads in a socket filter
# prog_type: socket_filter
# priv: root
# expect: accept
r6 = r1
r0 = *(u8 *)skb[0]
r7 = 2
r0 = *(u16 *)skb[r7 + 1]
r0 = *(u32 *)skb[4]
exit
