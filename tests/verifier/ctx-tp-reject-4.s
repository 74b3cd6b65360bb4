# tracepoint: a misaligned read
# prog_type: tracepoint
# priv: root
# expect: reject
# error: invalid bpf_context access off=18 size=4
r0 = *(u32 *)(r1 +18)
r0 = 0
exit
