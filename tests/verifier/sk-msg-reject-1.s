# no arithmetic on sk_msg_md->sk
# prog_type: sk_msg
# priv: root
# expect: reject
# error: R1 pointer arithmetic on sock prohibited
r1 = *(u64 *)(r1 +72)
r1 += 4
r0 = 1
exit
