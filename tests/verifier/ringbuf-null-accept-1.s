# a record used on the non-null branch of != 0
# prog_type: xdp
# priv: root
# expect: accept
# map: ringbuf key=0 value=0 entries=4096
r1 = map[idx:0]
r2 = 8
r3 = 0
call 131
if r0 != 0 goto +2
r0 = 2
exit
r1 = 7
*(u64 *)(r0 +0) = r1
r1 = r0
r2 = 0
call 133
r0 = 2
exit
