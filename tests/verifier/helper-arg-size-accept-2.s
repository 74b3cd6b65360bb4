# a variable size bounded by a comparison
# prog_type: xdp
# priv: root
# expect: accept
r6 = r1
call 7
r4 = r0
if r4 > 8 goto +6
if r4 == 0 goto +5
r1 = r6
r2 = 0
r3 = r10
r3 += -8
call 189
r0 = 2
exit
