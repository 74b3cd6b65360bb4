# reading a map write-only for programs
# prog_type: socket_filter
# priv: root
# expect: reject
# error: read from map forbidden, value_size=48 off=4 size=4
# map: array key=4 value=48 entries=1 flags=0x100
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r0 = *(u32 *)(r0 +4)
exit
