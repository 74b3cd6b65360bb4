# a helper id past the last one
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid func unknown#12345
# errno: EINVAL
call 12345
exit
