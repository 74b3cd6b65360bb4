# a function pointer is no offset: pointer arithmetic on it is refused
# prog_type: xdp
# priv: root
# expect: reject
# error: dereference of modified func ptr R2 off=8 disallowed
# errno: EACCES
r1 = 1
r2 = subprog[cb]
r2 += 8
r3 = 0
r4 = 0
call 181
r0 = 2
exit
cb:
r0 = 0
exit
