# a helper filling the stack over a spilled packet pointer corrupts it
# without CAP_PERFMON (the kernel writes the bytes one by one)
# prog_type: xdp
# priv: bpf
# expect: reject
# error: attempt to corrupt spilled pointer on stack
r6 = r1
r9 = *(u32 *)(r6 +0)
*(u64 *)(r10 -40) = r9
r1 = r6
r2 = 0
r3 = r10
r3 += -56
r4 = 32
call 189
r0 = 0
exit
