# ld_abs with r6 the ctx moved below its start
# prog_type: socket_filter
# priv: root
# expect: reject
# error: negative offset ctx ptr R6 off=-4 disallowed
r6 = r1
r6 += -4
r0 = *(u16 *)skb[12]
exit
