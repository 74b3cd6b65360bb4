# sk_msg: data is read with an 8-byte load only
# prog_type: sk_msg
# priv: root
# expect: reject
# error: invalid bpf_context access off=0 size=4
r2 = *(u32 *)(r1 +0)
r0 = 1
exit
