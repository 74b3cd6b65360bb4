# raw tracepoint: the arguments are read-only
# prog_type: raw_tracepoint
# priv: root
# expect: reject
# error: invalid bpf_context access off=8 size=8
r2 = 1
*(u64 *)(r1 +8) = r2
r0 = 0
exit
