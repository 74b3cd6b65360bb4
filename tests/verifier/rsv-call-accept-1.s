# a plain helper call
# prog_type: socket_filter
# priv: root
# expect: accept
call 7
exit
