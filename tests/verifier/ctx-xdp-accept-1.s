# every readable xdp_md field
# prog_type: xdp
# priv: root
# expect: accept
r0 = *(u32 *)(r1 +0)
r0 = *(u32 *)(r1 +4)
r0 = *(u32 *)(r1 +8)
r0 = *(u32 *)(r1 +12)
r0 = *(u32 *)(r1 +16)
r0 = 2
exit
