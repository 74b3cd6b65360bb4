# tracepoint: past PERF_MAX_TRACE_SIZE
# prog_type: tracepoint
# priv: root
# expect: reject
# error: invalid bpf_context access off=8192 size=8
r0 = *(u64 *)(r1 +8192)
r0 = 0
exit
