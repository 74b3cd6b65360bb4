# the context argument given a stack pointer
# prog_type: xdp
# priv: root
# expect: reject
# error: R1 type=fp expected=ctx
r1 = r10
r2 = 0
call 44
r0 = 2
exit
