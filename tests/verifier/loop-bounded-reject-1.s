# a bounded loop whose body faults in the 4th iteration
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid write to stack R2 off=0 size=8
r1 = 0
r2 = r10
r2 += -24
r0 = 0
*(u64 *)(r2 +0) = r0
r2 += 8
r1 += 1
if r1 < 4 goto -5
exit
