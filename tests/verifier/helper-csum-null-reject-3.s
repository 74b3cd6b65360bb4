# bpf_csum_diff(from, 8, NULL, size in [0, 4]): the size may be nonzero
# prog_type: xdp
# priv: root
# expect: reject
# error: R3 type=scalar expected=fp
call 7
r4 = r0
r4 &= 4
*(u64 *)(r10 -8) = 0
r1 = r10
r1 += -8
r2 = 8
r3 = 0
r5 = 0
call 28
r0 = 2
exit
