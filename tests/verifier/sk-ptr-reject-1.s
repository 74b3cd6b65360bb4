# no arithmetic on a socket pointer
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 pointer arithmetic on sock_common prohibited
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +2
r1 += 4
r0 = *(u32 *)(r1 +0)
exit
