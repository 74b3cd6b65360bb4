# socket filter: mark is read-only
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid bpf_context access off=8 size=4
r0 = 0
*(u32 *)(r1 +8) = r0
exit
