# a half-initialised 8-byte key, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: invalid read from stack R2 off -8+0 size 8
# map: hash key=8 value=8 entries=16
*(u32 *)(r10 -4) = 0
*(u32 *)(r10 -16) = 0
r2 = r10
r2 += -8
r1 = map[idx:0]
call 1
r0 = 0
exit
