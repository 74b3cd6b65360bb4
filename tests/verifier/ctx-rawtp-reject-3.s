# raw tracepoint: a misaligned read
# prog_type: raw_tracepoint
# priv: root
# expect: reject
# error: invalid bpf_context access off=12 size=8
r0 = *(u64 *)(r1 +12)
r0 = 0
exit
