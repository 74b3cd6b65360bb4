# tstamp is read 8 bytes at a time
# prog_type: sched_cls
# priv: root
# expect: reject
# error: invalid bpf_context access off=152 size=4
r0 = *(u32 *)(r1 +152)
exit
