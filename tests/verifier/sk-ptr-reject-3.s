# socket memory is read-only
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 cannot write into sock_common
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +1
*(u32 *)(r1 +4) = 1
exit
