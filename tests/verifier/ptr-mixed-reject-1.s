# map value + a scalar of mixed sign, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: R1 has unknown scalar with mixed signed bounds, pointer arithmetic with it prohibited for !root
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r6 = r0
call 7
r1 = r0
r1 s>>= 60
r6 += r1
r0 = 0
exit
