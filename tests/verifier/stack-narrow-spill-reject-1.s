# a 6-byte key from a 4-byte spill: bytes 4 and 5 were never written
# (only the spilled bytes count, not the whole slot)
# prog_type: xdp
# priv: bpf
# expect: reject
# error: invalid read from stack R2 off -128+4 size 6
# map: hash key=6 value=16 entries=31
r5 = 18
*(u32 *)(r10 -128) = r5
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
