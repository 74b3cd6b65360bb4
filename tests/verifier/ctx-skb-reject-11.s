# the upper half of __sk_buff->sk is no field of its own
# prog_type: sched_cls
# priv: root
# expect: reject
# error: invalid bpf_context access off=172 size=4
r0 = *(u32 *)(r1 +172)
r0 = 0
exit
