# sock_ops may bpf_map_delete_elem a sockmap
# prog_type: sock_ops
# priv: root
# expect: accept
# map: sockmap key=4 value=4 entries=8
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 3
r0 = 1
exit
