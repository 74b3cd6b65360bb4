# the same with a bad load at the end: found on the first path
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 invalid mem access 'scalar'
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
if r0 > 7 goto +1
r0 = *(u64 *)(r0 +0)
r0 = 0
exit

