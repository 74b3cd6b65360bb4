# the last 6.18 helper id is known
# prog_type: socket_filter
# priv: root
# expect: accept
call 7
r0 = 0
exit
