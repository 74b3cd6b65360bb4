# jumps on immediates and registers, 64 and 32 bits
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = *(u32 *)(r1 +0)
r2 = 3
if r0 == 1 goto +0
if r0 != r2 goto +0
if w0 > 2 goto +0
if w0 s< w2 goto +0
exit
