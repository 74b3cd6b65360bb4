# a context pointer with a negative offset
# prog_type: socket_filter
# priv: root
# expect: reject
# error: negative offset ctx ptr R1 off=-4 disallowed
r1 += -4
r0 = *(u32 *)(r1 +4)
exit
