# a helper's result is an unknown scalar
# prog_type: socket_filter
# priv: root
# expect: accept
call 7
r0 &= 1
exit
