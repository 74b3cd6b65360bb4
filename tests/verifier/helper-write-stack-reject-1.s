# a helper filling a variable number of stack bytes: the zeros there become unknown
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid variable-offset read from stack R1 var_off=(0x0; 0xff) off=-8 size=1
*(u64 *)(r10 -8) = 0
r6 = r1
call 7
r4 = r0
r4 &= 7
r4 += 1
r1 = r6
r2 = 0
r3 = r10
r3 += -8
call 189
r0 = *(u8 *)(r10 -8)
r1 = r10
r1 += -8
r1 += r0
r0 = *(u8 *)(r1 +0)
r0 = 2
exit
