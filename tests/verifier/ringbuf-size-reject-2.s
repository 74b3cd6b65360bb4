# the size must be a known constant
# prog_type: xdp
# priv: root
# expect: reject
# error: R2 is not a known constant'
# map: ringbuf key=0 value=0 entries=4096
r6 = r1
call 7
r2 = r0
r1 = map[idx:0]
r3 = 0
call 131
r0 = 2
exit
