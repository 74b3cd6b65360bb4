# a 6-byte key from a full spill of a constant: every byte is initialised
# prog_type: xdp
# priv: bpf
# expect: accept
# map: hash key=6 value=16 entries=31
*(u64 *)(r10 -128) = 18
*(u64 *)(r10 -80) = 141
*(u64 *)(r10 -72) = 47
r2 = r10
r2 += -128
r3 = r10
r3 += -80
r4 = 0
r1 = map[idx:0]
call 2
r0 = 0
exit
