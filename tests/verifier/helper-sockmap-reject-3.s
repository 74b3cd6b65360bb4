# sk_msg may not delete from a socket map (may_update_sockmap)
# prog_type: sk_msg
# priv: root
# expect: reject
# error: cannot update sockmap in this context
# error: cannot pass map_type 18 into func bpf_map_delete_elem#3
# map: sockhash key=4 value=4 entries=8
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 3
r0 = 1
exit
