# r1 = r0 - 4 and r1 s< 0 not taken says r0 >= 4: the access after r0 == 0 is dead
# prog_type: socket_filter
# priv: root
# expect: accept
call 7
r1 = r0
r1 += -4
if r1 s< 0 goto +3
if r0 != 0 goto +2
r2 = 0
r0 = *(u64 *)(r2 +0)
r0 = 0
exit
