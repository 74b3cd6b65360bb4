# the callee gets r1-r5 and returns r0
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = 7
call pc+2
r0 += 1
exit
r0 = r1
exit
