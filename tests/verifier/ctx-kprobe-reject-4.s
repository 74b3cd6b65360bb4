# kprobe programs need CAP_PERFMON (empty log)
# prog_type: kprobe
# priv: bpf
# expect: reject
# errno: EPERM
r0 = 0
exit
