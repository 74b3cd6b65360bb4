# sock_ops: family is read-only (only reply and sk_txhash are written)
# prog_type: sock_ops
# priv: root
# expect: reject
# error: invalid bpf_context access off=20 size=4
r3 = 2
*(u32 *)(r1 +20) = r3
r0 = 1
exit
