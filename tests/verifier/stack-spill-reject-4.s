# a spilled pointer overwritten by data is no pointer
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R2 invalid mem access 'scalar'
*(u64 *)(r10 -8) = r1
r0 = 0
*(u32 *)(r10 -8) = r0
r2 = *(u64 *)(r10 -8)
r0 = *(u32 *)(r2 +0)
exit
