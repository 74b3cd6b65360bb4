# tc: tstamp_type is one byte
# prog_type: sched_cls
# priv: root
# expect: reject
# error: invalid bpf_context access off=180 size=4
r0 = *(u32 *)(r1 +180)
r0 = 0
exit
