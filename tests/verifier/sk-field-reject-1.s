# sock_common has no type .. priority (those need a full socket)
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 invalid sock_common access off=8 size=4
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +1
r0 = *(u32 *)(r1 +8)
exit
