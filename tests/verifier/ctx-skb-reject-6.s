# cb written past cb[4]
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid bpf_context access off=64 size=8
r0 = 0
*(u64 *)(r1 +64) = r0
exit
