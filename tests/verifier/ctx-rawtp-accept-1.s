# raw tracepoint: the 12 arguments
# prog_type: raw_tracepoint
# priv: root
# expect: accept
r0 = *(u64 *)(r1 +0)
r0 = *(u64 *)(r1 +88)
r0 = *(u8 *)(r1 +3)
r0 = 0
exit
