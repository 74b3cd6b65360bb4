# legacy packet loads need R6 to be the context
# prog_type: socket_filter
# priv: root
# expect: reject
# error: at the time of BPF_LD_ABS|IND R6 != pointer to skb
r6 = 0
r0 = *(u8 *)skb[0]
exit
