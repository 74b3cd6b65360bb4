# bpf_sock_hash_update takes a sockhash, not a sockmap
# prog_type: sock_ops
# priv: root
# expect: reject
# error: cannot pass map_type 15 into func bpf_sock_hash_update#70
# map: sockmap key=4 value=4 entries=8
*(u32 *)(r10 -4) = 0
r2 = map[idx:0]
r3 = r10
r3 += -4
r4 = 0
call 70
r0 = 1
exit
