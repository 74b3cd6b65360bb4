# tracepoint: the record after its 8-byte header
# prog_type: tracepoint
# priv: root
# expect: accept
r0 = *(u64 *)(r1 +8)
r0 = *(u32 *)(r1 +164)
r0 = *(u64 *)(r1 +8184)
r0 = 0
exit
