# r1 = r0 - 4 and r1 s< 0 leaves r0 = 0 possible: the access is reached
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R2 invalid mem access 'scalar'
call 7
r1 = r0
r1 += -4
if r1 s>= 0 goto +3
if r0 != 0 goto +2
r2 = 0
r0 = *(u64 *)(r2 +0)
r0 = 0
exit
