# a write crossing the top of the stack
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid write to stack R1 off=0 size=4
r1 = r10
r1 += -4
r0 = 0
*(u32 *)(r1 +0) = r0
*(u32 *)(r1 +4) = r0
exit
