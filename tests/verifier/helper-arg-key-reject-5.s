# a key crossing the top of the stack
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid read from stack R2 off=-2 size=4
# map: hash key=4 value=8 entries=16
r2 = r10
r2 += -2
r1 = map[idx:0]
call 1
r0 = 0
exit
