# a misaligned write
# prog_type: socket_filter
# priv: root
# expect: reject
# error: misaligned stack access off 0+0+-6 size 4
r0 = 0
*(u32 *)(r10 -6) = r0
exit
