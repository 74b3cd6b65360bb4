# an atomic add reads its operand: the bytes beside a 1-byte spill of an
# immediate are uninitialised even though nothing is loaded
# prog_type: xdp
# priv: bpf
# expect: reject
# error: invalid read from stack off -220+1 size 4
*(u8 *)(r10 -220) = 1
*(u8 *)(r10 -224) = -50
r9 = 1
lock *(u32 *)(r10 -220) += r9
r0 = 0
exit
