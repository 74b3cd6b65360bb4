# a record submitted from an offset
# prog_type: xdp
# priv: root
# expect: reject
# error: R1 must have zero offset when passed to release func or trusted arg to kfunc
# map: ringbuf key=0 value=0 entries=4096
r1 = map[idx:0]
r2 = 8
r3 = 0
call 131
if r0 == 0 goto +4
r1 = r0
r1 += 8
r2 = 0
call 132
r0 = 2
exit
