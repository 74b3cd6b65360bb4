# without CAP_PERFMON it is explored speculatively: the bad load is fenced, not rejected
# prog_type: socket_filter
# priv: bpf
# expect: accept
r0 = 1
if r0 == 1 goto +1
r0 = *(u64 *)(r0 +0)
exit
