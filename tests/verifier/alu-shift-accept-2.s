# shift by a register: the amount is masked at run time
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 1
r1 = *(u32 *)(r1 +0)
r0 <<= r1
exit
