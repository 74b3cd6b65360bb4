# bpf_sk_fullsock takes a socket, not the context
# prog_type: sched_cls
# priv: root
# expect: reject
# error: R1 type=ctx expected=sock_common, sock, tcp_sock, xdp_sock
call bpf_sk_fullsock
r0 = 0
exit
