# bpf_sk_fullsock gives sock_or_null: after its check, type .. priority are readable
# prog_type: sched_cls
# priv: root
# expect: accept
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +4
call bpf_sk_fullsock
if r0 == 0 goto +2
r0 = *(u32 *)(r0 +8)
exit
r0 = 1
exit
