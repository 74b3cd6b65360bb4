# probe_read_kernel needs CAP_PERFMON
# prog_type: xdp
# priv: bpf
# expect: reject
# error: program of this type cannot use helper bpf_probe_read_kernel#113
call 113
r0 = 2
exit
