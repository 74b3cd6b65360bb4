# a socket map's bpf_map_update_elem value is a socket, not stack memory
# prog_type: sock_ops
# priv: root
# expect: reject
# error: R3 type=fp expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_
# map: sockmap key=4 value=4 entries=8
*(u32 *)(r10 -4) = 0
*(u32 *)(r10 -8) = 0
r2 = r10
r2 += -4
r3 = r10
r3 += -8
r1 = map[idx:0]
r4 = 0
call 2
r0 = 1
exit
