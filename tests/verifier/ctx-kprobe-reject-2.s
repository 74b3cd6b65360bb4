# kprobe: pt_regs is read-only
# prog_type: kprobe
# priv: root
# expect: reject
# error: invalid bpf_context access off=8 size=8
r0 = 0
*(u64 *)(r1 +8) = r0
exit
