# tc: data is read 4 bytes at a time
# prog_type: sched_cls
# priv: root
# expect: reject
# error: invalid bpf_context access off=76 size=8
r0 = *(u64 *)(r1 +76)
r0 = 0
exit
