# BPF_LDX MEM and MEMSX loads
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = *(u32 *)(r1 +0)
r2 = *(s8 *)(r1 +0)
r3 = *(s16 *)(r1 +4)
exit
