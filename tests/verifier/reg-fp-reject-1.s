# writing r10
# prog_type: socket_filter
# priv: root
# expect: reject
# error: frame pointer is read only
# errno: EACCES
r10 = 0
r0 = 0
exit
