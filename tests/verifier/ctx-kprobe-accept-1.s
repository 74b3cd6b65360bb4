# kprobe: pt_regs read at any size
# prog_type: kprobe
# priv: root
# expect: accept
r0 = *(u64 *)(r1 +0)
r0 = *(u32 *)(r1 +4)
r0 = *(u8 *)(r1 +3)
r0 = *(u64 *)(r1 +160)
r0 = 0
exit
