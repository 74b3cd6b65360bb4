# a negative helper id
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid func unknown#-3
r0 = 0
call -3
exit
