# socket filters may not call bpf_tcp_sock
# prog_type: socket_filter
# priv: root
# expect: reject
# error: program of this type cannot use helper bpf_tcp_sock#96
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +2
call bpf_tcp_sock
r0 = 0
exit
