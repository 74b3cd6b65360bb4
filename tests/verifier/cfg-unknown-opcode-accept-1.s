# every ALU class form: 32/64-bit, K/X, byte swaps, sdiv
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 1
w1 = 2
r0 += r1
w0 -= 1
r0 *= 3
r0 = be16 r0
r0 = le32 r0
r0 = bswap64 r0
r0 s/= 3
r0 s%= 5
w0 s>>= 2
r0 = -r0
exit
