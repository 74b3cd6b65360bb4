# a callback returns a scalar, not a pointer
# prog_type: xdp
# priv: root
# expect: reject
# error: R0 not a scalar value
# map: hash key=4 value=8 entries=4
r1 = map[idx:0]
r2 = subprog[cb]
r3 = 0
r4 = 0
call 164
r0 = 2
exit
cb:
r0 = r1
exit
