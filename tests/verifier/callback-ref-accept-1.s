# a ringbuf record reserved in a callback and submitted there
# prog_type: xdp
# priv: root
# expect: accept
# map: ringbuf key=0 value=0 entries=4096
*(u64 *)(r10 -8) = 0
r1 = 2
r2 = subprog[cb]
r3 = r10
r3 += -8
r4 = 0
call 181
r0 = 2
exit
cb:
r1 = map[idx:0]
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r1 = r0
r2 = 0
call 132
out:
r0 = 0
exit
