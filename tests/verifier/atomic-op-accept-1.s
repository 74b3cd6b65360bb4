# the fetched old value is a scalar
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = 7
*(u64 *)(r10 -8) = r1
r2 = 1
r2 = atomic64_fetch_add((u64 *)(r10 -8), r2)
r2 &= 3
r3 = r10
r3 += -16
r3 += r2
r0 = 0
exit
