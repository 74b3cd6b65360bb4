# the callback reaches the caller's stack through the ctx pointer only
# within the caller's frame: fp-8 + 8 is beyond it
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid read from stack R2 off=0 size=8
*(u64 *)(r10 -8) = 0
r1 = 1
r2 = subprog[cb]
r3 = r10
r3 += -8
r4 = 0
call 181
r0 = 2
exit
cb:
r1 = *(u64 *)(r2 +8)
r0 = 0
exit
