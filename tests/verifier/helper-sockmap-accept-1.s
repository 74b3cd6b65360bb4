# sock_ops: bpf_sock_hash_update with a sockhash and a key on the stack
# prog_type: sock_ops
# priv: root
# expect: accept
# map: sockhash key=4 value=4 entries=8
*(u32 *)(r10 -4) = 0
r2 = map[idx:0]
r3 = r10
r3 += -4
r4 = 0
call 70
r0 = 1
exit
