# bpf_tcp_sock's result used before its NULL check
# prog_type: cgroup_skb
# priv: root
# expect: reject
# error: R0 invalid mem access 'tcp_sock_or_null'
r1 = *(u64 *)(r1 +168)
r0 = 1
if r1 == 0 goto +3
call bpf_tcp_sock
r0 = *(u32 *)(r0 +0)
r0 = 1
exit
