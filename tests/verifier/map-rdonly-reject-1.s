# a map read-only for programs
# prog_type: socket_filter
# priv: root
# expect: reject
# error: write into map forbidden, value_size=48 off=0 size=4
# map: array key=4 value=48 entries=1 flags=0x80
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r1 = 1
*(u32 *)(r0 +0) = r1
r0 = 0
exit
