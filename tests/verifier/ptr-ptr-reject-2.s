# pointer -= pointer without CAP_PERFMON
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: R2 pointer -= pointer prohibited
r2 = r10
r2 -= r1
r0 = 0
exit
