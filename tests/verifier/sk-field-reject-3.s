# family takes narrow loads at its own offset only
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 invalid sock_common access off=5 size=1
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +1
r0 = *(u8 *)(r1 +5)
exit
