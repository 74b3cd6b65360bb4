# a callback's R0 must be known to be 0 or 1: the index is any value
# prog_type: xdp
# priv: root
# expect: reject
# error: At callback return the register R0 has unknown scalar value should have been in [0, 1]
r1 = 1
r2 = subprog[cb]
r3 = 0
r4 = 0
call 181
r0 = 2
exit
cb:
r0 = r1
exit
