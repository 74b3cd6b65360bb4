# a zero size for ARG_CONST_SIZE
# prog_type: xdp
# priv: root
# expect: reject
# error: R4 invalid zero-sized read: u64=[0,0]
r2 = 0
r3 = r10
r3 += -8
r4 = 0
call 189
r0 = 2
exit
