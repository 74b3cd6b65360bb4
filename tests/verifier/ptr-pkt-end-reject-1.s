# arithmetic on pkt_end
# prog_type: xdp
# priv: root
# expect: reject
# error: R3 pointer arithmetic on pkt_end prohibited
r3 = *(u32 *)(r1 +4)
r3 += 1
r0 = 0
exit
