# the 16 bits after dst_port are padding
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 invalid sock_common access off=50 size=2
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +1
r0 = *(u16 *)(r1 +50)
exit
