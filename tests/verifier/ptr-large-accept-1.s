# a map value pointer plus a constant below 2^29
# prog_type: socket_filter
# priv: root
# expect: accept
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
if r0 == 0 goto +2
r1 = 0x1000
r0 += r1
r0 = 0
exit
