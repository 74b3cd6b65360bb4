# sk_msg: the context is read-only
# prog_type: sk_msg
# priv: root
# expect: reject
# error: invalid bpf_context access off=68 size=4
r3 = 1
*(u32 *)(r1 +68) = r3
r0 = 1
exit
