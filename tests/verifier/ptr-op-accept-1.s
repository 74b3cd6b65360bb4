# add and subtract constants on a pointer (the only arithmetic allowed)
# prog_type: socket_filter
# priv: root
# expect: accept
r1 += 8
r1 -= 8
r0 = *(u32 *)(r1 +0)
exit
