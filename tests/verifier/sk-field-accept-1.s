# one byte of dst_port (a be16 field), two bytes of an IPv6 address word
# prog_type: sched_cls
# priv: root
# expect: accept
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +3
r0 = *(u8 *)(r1 +49)
r2 = *(u16 *)(r1 +30)
r0 += r2
exit
