# reading a map pointer without CAP_PERFMON
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: 'struct bpf_htab' access is allowed only to CAP_PERFMON and CAP_SYS_ADMIN
# map: hash key=4 value=8 entries=16
r1 = map[idx:0]
r0 = *(u32 *)(r1 +0)
exit
