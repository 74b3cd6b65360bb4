# ALU on an unset destination
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 !read_ok
r0 += 1
exit
