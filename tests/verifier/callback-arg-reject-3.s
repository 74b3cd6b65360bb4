# the callback pointer may differ per path (here spilled and refilled):
# each path verifies its own callback, and cb2 returns 3
# prog_type: xdp
# priv: root
# expect: reject
# error: At callback return the register R0 has smin=3 smax=3 should have been in [0, 1]
r2 = subprog[cb]
*(u64 *)(r10 -8) = r2
call 7
r0 &= 1
if r0 == 0 goto skip
r2 = subprog[cb2]
*(u64 *)(r10 -8) = r2
skip:
r2 = *(u64 *)(r10 -8)
r1 = 3
r3 = 0
r4 = 0
call 181
r0 = 2
exit
cb:
r0 = 0
exit
cb2:
r0 = 3
exit
