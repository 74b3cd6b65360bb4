# a released record is gone (root: its copies become scalars)
# prog_type: xdp
# priv: root
# expect: reject
# error: R6 invalid mem access 'scalar'
# map: ringbuf key=0 value=0 entries=4096
r1 = map[idx:0]
r2 = 8
r3 = 0
call 131
if r0 == 0 goto +5
r6 = r0
r1 = r0
r2 = 0
call 132
r0 = *(u64 *)(r6 +0)
r0 = 2
exit
