# every register r0-r10 used
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
r2 = 2
r3 = r2
r4 = r3
r5 = r4
r6 = r5
r7 = r6
r8 = r7
r9 = r8
r9 += r10
r0 = r9
exit
