# writing a map write-only for programs
# prog_type: socket_filter
# priv: root
# expect: accept
# map: array key=4 value=48 entries=1 flags=0x100
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r1 = 1
*(u32 *)(r0 +4) = r1
r0 = 0
exit
