# bpf_sock_ops->sk after its NULL check (a request socket has none)
# prog_type: sock_ops
# priv: root
# expect: accept
r1 = *(u64 *)(r1 +184)
r0 = 1
if r1 == 0 goto +1
r0 = *(u32 *)(r1 +8)
r0 = 1
exit
