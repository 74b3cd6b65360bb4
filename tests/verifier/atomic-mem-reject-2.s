# atomics must be aligned, even on map values
# prog_type: socket_filter
# priv: root
# expect: reject
# error: misaligned value access off 0+0+4 size 8
# map: array key=4 value=48 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r1 = 1
lock *(u64 *)(r0 +4) += r1
r0 = 0
exit
