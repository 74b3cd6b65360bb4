# egress_ifindex with the devmap attach type
# prog_type: xdp
# priv: root
# expect: accept
# attach_type: xdp_devmap
r0 = *(u32 *)(r1 +20)
r0 = 2
exit
