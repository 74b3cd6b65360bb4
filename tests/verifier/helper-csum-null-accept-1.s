# bpf_csum_diff(NULL, 0, to, 8, 0): a NULL buffer goes with a size of 0
# prog_type: xdp
# priv: root
# expect: accept
*(u64 *)(r10 -8) = 0
r1 = 0
r2 = 0
r3 = r10
r3 += -8
r4 = 8
r5 = 0
call 28
r0 = 2
exit
