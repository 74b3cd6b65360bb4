# a socket pointer may be copied; the copy shares its id, so one NULL check covers both
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = *(u64 *)(r1 +168)
r2 = r1
r0 = 0
if r1 == 0 goto +1
r0 = *(u32 *)(r2 +72)
exit
