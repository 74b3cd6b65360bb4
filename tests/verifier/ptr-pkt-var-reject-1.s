# packet pointer + a variable, CAP_BPF only
# prog_type: xdp
# priv: bpf
# expect: reject
# error: R2 has pointer with unsupported alu operation, pointer arithmetic with it prohibited for !root
r2 = *(u32 *)(r1 +0)
r4 = *(u32 *)(r1 +12)
r4 &= 0xff
r2 += r4
r0 = 0
exit
