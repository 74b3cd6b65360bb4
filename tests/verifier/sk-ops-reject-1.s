# bpf_sock_ops->sk before its NULL check
# prog_type: sock_ops
# priv: root
# expect: reject
# error: R1 invalid mem access 'sock_or_null'
r1 = *(u64 *)(r1 +184)
r0 = *(u32 *)(r1 +4)
r0 = 1
exit
