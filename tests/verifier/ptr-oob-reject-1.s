# a map value pointer moved past the value, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: invalid access to map value, value_size=48 off=48 size=1
# error: R0 min value is outside of the allowed memory range
# error: R0 pointer arithmetic of map value goes out of range, prohibited for !root
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r0 += 48
r0 = 0
exit
