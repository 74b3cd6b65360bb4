# raw tracepoint: past the 12th argument
# prog_type: raw_tracepoint
# priv: root
# expect: reject
# error: invalid bpf_context access off=96 size=8
r0 = *(u64 *)(r1 +96)
r0 = 0
exit
