# tracepoint: the record is read-only
# prog_type: tracepoint
# priv: root
# expect: reject
# error: invalid bpf_context access off=16 size=8
r2 = 1
*(u64 *)(r1 +16) = r2
r0 = 0
exit
