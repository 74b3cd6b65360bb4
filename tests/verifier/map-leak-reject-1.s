# storing a pointer into a map value, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: R10 leaks addr into map
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
*(u64 *)(r0 +0) = r10
r0 = 0
exit
