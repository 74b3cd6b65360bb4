# bpf_csum_diff(NULL, 4, ...): a NULL buffer with a size that is not 0
# prog_type: xdp
# priv: root
# expect: reject
# error: R1 type=scalar expected=fp
*(u64 *)(r10 -8) = 0
r1 = 0
r2 = 4
r3 = r10
r3 += -8
r4 = 8
r5 = 0
call 28
r0 = 2
exit
