# atomic add, fetch-add, xchg, cmpxchg on the stack
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = 0
*(u64 *)(r10 -8) = r1
r2 = 1
lock *(u64 *)(r10 -8) += r2
r2 = atomic64_fetch_add((u64 *)(r10 -8), r2)
r3 = 5
r3 = atomic64_xchg((u64 *)(r10 -8), r3)
r0 = 0
r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r3)
exit
