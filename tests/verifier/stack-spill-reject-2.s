# a narrow spill of a pointer
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid size of register spill
*(u32 *)(r10 -8) = r1
r0 = 0
exit
