# bpf_tcp_sock gives tcp_sock_or_null: after its check the counters are readable (u64 byte counters)
# prog_type: sched_cls
# priv: root
# expect: accept
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +5
call bpf_tcp_sock
if r0 == 0 goto +3
r1 = *(u32 *)(r0 +0)
r0 = *(u64 *)(r0 +80)
r0 += r1
exit
