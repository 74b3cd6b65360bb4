# kprobe: past pt_regs
# prog_type: kprobe
# priv: root
# expect: reject
# error: invalid bpf_context access off=168 size=8
r0 = *(u64 *)(r1 +168)
r0 = 0
exit
