# egress_ifindex needs a devmap attach type
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid bpf_context access off=20 size=4
r0 = *(u32 *)(r1 +20)
r0 = 2
exit
