# bpf_csum_diff(from, 8, NULL, size): the size of a NULL buffer is checked too
# prog_type: xdp
# priv: root
# expect: reject
# error: R4 min value is negative, either use unsigned or 'var &= const'
call 7
r4 = r0
*(u64 *)(r10 -8) = 0
r1 = r10
r1 += -8
r2 = 8
r3 = 0
r5 = 0
call 28
r0 = 2
exit
