# the pointer's offset counts
# prog_type: socket_filter
# priv: root
# expect: reject
# error: misaligned stack access off 0+-3+0 size 4
r1 = r10
r1 += -3
r0 = *(u32 *)(r1 +0)
exit
