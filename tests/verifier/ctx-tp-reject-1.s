# tracepoint: the common header is not readable
# prog_type: tracepoint
# priv: root
# expect: reject
# error: invalid bpf_context access off=0 size=8
r0 = *(u64 *)(r1 +0)
r0 = 0
exit
