# a variable-size write needs initialised stack without CAP_PERFMON
# prog_type: xdp
# priv: bpf
# expect: reject
# error: invalid read from stack R3 off -8+0 size 8
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
r0 = 2
exit
