# tracing: the legacy bpf_probe_read_str and bpf_probe_read_user_str in a kprobe
# prog_type: kprobe
# priv: root
# expect: accept
r6 = r1
r1 = r10
r1 += -16
r2 = 16
r3 = *(u64 *)(r6 +112)
call 45
r1 = r10
r1 += -16
r2 = 16
r3 = *(u64 *)(r6 +104)
call 114
r0 = 0
exit
