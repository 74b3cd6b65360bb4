# past the end of __sk_buff
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid bpf_context access off=192 size=4
r0 = *(u32 *)(r1 +192)
exit
