# the same loop stopping in time
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = 0
r2 = r10
r2 += -24
r0 = 0
*(u64 *)(r2 +0) = r0
r2 += 8
r1 += 1
if r1 < 3 goto -5
exit
