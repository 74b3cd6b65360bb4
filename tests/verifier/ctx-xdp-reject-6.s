# a store of an immediate
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid bpf_context access off=0 size=4
*(u32 *)(r1 +0) = 0
r0 = 2
exit
