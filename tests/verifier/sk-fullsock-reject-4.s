# a full socket still has no field at the padding after dst_port
# prog_type: sched_cls
# priv: root
# expect: reject
# error: R0 invalid sock access off=50 size=4
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +4
call bpf_sk_fullsock
if r0 == 0 goto +2
r0 = *(u32 *)(r0 +50)
exit
r0 = 1
exit
