# sk_msg programs cannot update a socket map (sock_ops only)
# prog_type: sk_msg
# priv: root
# expect: reject
# error: program of this type cannot use helper bpf_sock_hash_update#70
# map: sockhash key=4 value=4 entries=8
*(u32 *)(r10 -4) = 0
r2 = map[idx:0]
r3 = r10
r3 += -4
r4 = 0
call 70
r0 = 1
exit
