# trace_printk needs CAP_PERFMON
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: program of this type cannot use helper bpf_trace_printk#6
call 6
r0 = 0
exit
