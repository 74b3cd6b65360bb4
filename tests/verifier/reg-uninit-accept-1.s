# r6-r9 survive helper calls
# prog_type: socket_filter
# priv: root
# expect: accept
r6 = 5
call 7
r0 = r6
exit
