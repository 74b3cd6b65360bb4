# legacy packet loads clobber r1-r5
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 !read_ok
r6 = r1
r0 = *(u8 *)skb[0]
r0 = r1
exit
