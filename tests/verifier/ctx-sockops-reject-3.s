# sock_ops: bytes_received needs an 8-byte load
# prog_type: sock_ops
# priv: root
# expect: reject
# error: invalid bpf_context access off=168 size=4
r2 = *(u32 *)(r1 +168)
r0 = 1
exit
