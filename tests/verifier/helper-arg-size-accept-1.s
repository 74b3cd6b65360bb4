# xdp_load_bytes into the stack, then read the bytes
# prog_type: xdp
# priv: bpf
# expect: accept
r2 = 0
r3 = r10
r3 += -8
r4 = 8
call 189
r0 = *(u64 *)(r10 -8)
r0 = 2
exit
