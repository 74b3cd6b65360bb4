# past the end of xdp_md
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid bpf_context access off=24 size=4
r0 = *(u32 *)(r1 +24)
r0 = 2
exit
