# no arithmetic on sock_common_or_null either
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 pointer arithmetic on sock_common_or_null prohibited, null-check it first
r1 = *(u64 *)(r1 +168)
r1 += 4
r0 = 0
exit
