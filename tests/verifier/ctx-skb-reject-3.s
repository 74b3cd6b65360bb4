# socket filter: an 8-byte read of a 4-byte field
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid bpf_context access off=0 size=8
r0 = *(u64 *)(r1 +0)
exit
