# bpf_sk_fullsock's result used before its NULL check
# prog_type: cgroup_skb
# priv: root
# expect: reject
# error: R0 invalid mem access 'sock_or_null'
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +3
call bpf_sk_fullsock
r0 = *(u32 *)(r0 +8)
r0 = 1
exit
