# precision: r6 takes 2^20 values no path relies on; imprecise, it lets
# the verifier prune every join (comparing it by value would exceed the
# 1M-insn complexity limit)
# prog_type: xdp
# priv: root
# expect: accept
r6 = 0
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
call 7
r6 <<= 1
if r0 > 5 goto +1
r6 |= 1
r0 = 2
exit
