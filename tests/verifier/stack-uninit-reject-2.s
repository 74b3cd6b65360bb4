# the same, unprivileged
# prog_type: socket_filter
# priv: unpriv
# expect: reject
# error: invalid read from stack R10 off=-4 size=4
r0 = *(u32 *)(r10 -4)
exit
