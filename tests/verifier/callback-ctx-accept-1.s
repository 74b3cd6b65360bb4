# bpf_loop with a callback that counts into the caller's stack through
# the ctx pointer; the callback returns 0
# prog_type: xdp
# priv: root
# expect: accept
*(u64 *)(r10 -8) = 0
r1 = 4
r2 = subprog[cb]
r3 = r10
r3 += -8
r4 = 0
call 181
r0 = *(u64 *)(r10 -8)
r0 &= 1
exit
cb:
r1 = *(u64 *)(r2 +0)
r1 += 1
*(u64 *)(r2 +0) = r1
r0 = 0
exit
