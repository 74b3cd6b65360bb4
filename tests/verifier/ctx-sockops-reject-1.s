# sock_ops: op is read with a 4-byte load only
# prog_type: sock_ops
# priv: root
# expect: reject
# error: invalid bpf_context access off=0 size=2
r2 = *(u16 *)(r1 +0)
r0 = 1
exit
