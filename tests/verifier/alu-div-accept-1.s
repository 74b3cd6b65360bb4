# division by a register that may be 0 (the runtime gives 0)
# prog_type: socket_filter
# priv: root
# expect: accept
r6 = *(u32 *)(r1 +0)
r0 = 10
r0 /= r6
r0 %= r6
exit
