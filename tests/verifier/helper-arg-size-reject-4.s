# a size larger than the buffer
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid write to stack R3 off=-8 size=16
r2 = 0
r3 = r10
r3 += -8
r4 = 16
call 189
r0 = 2
exit
