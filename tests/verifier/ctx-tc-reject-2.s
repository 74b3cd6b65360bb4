# tc: len is read-only
# prog_type: sched_cls
# priv: root
# expect: reject
# error: invalid bpf_context access off=0 size=4
r0 = 0
*(u32 *)(r1 +0) = r0
exit
