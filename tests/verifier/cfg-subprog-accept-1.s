# a call to a subprogram and back
# prog_type: socket_filter
# priv: root
# expect: accept
call pc+2
r0 = 0
exit
r0 = 1
exit
