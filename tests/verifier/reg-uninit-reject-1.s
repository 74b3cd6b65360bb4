# a register never written
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R2 !read_ok
# errno: EACCES
r0 = r2
exit
