# the callback ctx is a stack pointer or NULL, not the program's ctx
# prog_type: xdp
# priv: root
# expect: reject
# error: R3 type=ctx expected=fp
r3 = r1
r1 = 1
r2 = subprog[cb]
r4 = 0
call 181
r0 = 2
exit
cb:
r0 = 0
exit
