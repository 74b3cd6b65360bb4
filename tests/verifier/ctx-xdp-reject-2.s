# xdp_md has no writable field
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid bpf_context access off=12 size=4
r0 = 1
*(u32 *)(r1 +12) = r0
r0 = 2
exit
