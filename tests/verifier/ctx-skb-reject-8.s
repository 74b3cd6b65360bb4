# flow_keys is never readable
# prog_type: sched_cls
# priv: root
# expect: reject
# error: invalid bpf_context access off=144 size=8
r0 = *(u64 *)(r1 +144)
exit
