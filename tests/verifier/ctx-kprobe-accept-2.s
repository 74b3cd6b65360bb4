# kprobe: the last register (ss, at 160) with a 4-byte read of its low half
# prog_type: kprobe
# priv: root
# expect: accept
r0 = *(u32 *)(r1 +160)
r0 = *(u32 *)(r1 +164)
r0 = *(u16 *)(r1 +166)
r0 = 0
exit
