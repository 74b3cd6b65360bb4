# the legacy bpf_probe_read is for tracing programs only
# prog_type: xdp
# priv: root
# expect: reject
# error: program of this type cannot use helper bpf_probe_read#4
r1 = r10
r1 += -8
r2 = 8
r3 = 0
call 4
r0 = 2
exit
