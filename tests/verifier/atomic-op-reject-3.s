# cmpxchg compares with R0, which must be set
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 !read_ok
r1 = 0
*(u64 *)(r10 -8) = r1
r3 = 5
r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r3)
exit
