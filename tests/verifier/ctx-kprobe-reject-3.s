# kprobe: misaligned
# prog_type: kprobe
# priv: root
# expect: reject
# error: invalid bpf_context access off=2 size=4
r0 = *(u32 *)(r1 +2)
r0 = 0
exit
