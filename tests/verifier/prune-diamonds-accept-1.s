# 30 independent branches: without pruning 2^30 paths; registers that differ are dead where the paths join
# prog_type: socket_filter
# priv: root
# expect: accept
call 7
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r6 = r0
call 7
if r0 > 5 goto +1
r1 = 1
r0 = 0
exit

