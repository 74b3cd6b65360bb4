# a nested loop
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
r1 = 0
r2 = 0
r0 += 1
r2 += 1
if r2 < 5 goto -3
r1 += 1
if r1 < 5 goto -6
exit
