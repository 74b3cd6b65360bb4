# forward branches only, without CAP_BPF
# prog_type: socket_filter
# priv: unpriv
# expect: accept
r0 = *(u32 *)(r1 +0)
if r0 > 5 goto +1
r0 = 1
exit
