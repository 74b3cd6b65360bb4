# packet pointer + an unbounded scalar
# prog_type: xdp
# priv: root
# expect: reject
# error: math between pkt pointer and register with unbounded min value is not allowed
r6 = *(u32 *)(r1 +0)
call 7
r6 += r0
r0 = 0
exit
