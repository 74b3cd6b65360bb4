# a size that may be zero
# prog_type: xdp
# priv: root
# expect: reject
# error: R4 invalid zero-sized read: u64=[0,7]
r6 = r1
call 7
r4 = r0
r4 &= 7
r1 = r6
r2 = 0
r3 = r10
r3 += -8
call 189
r0 = 2
exit
