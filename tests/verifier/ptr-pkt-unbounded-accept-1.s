# packet pointer + a scalar bounded by a mask
# prog_type: xdp
# priv: root
# expect: accept
r6 = *(u32 *)(r1 +0)
call 7
r0 &= 0xff
r6 += r0
r0 = 0
exit
