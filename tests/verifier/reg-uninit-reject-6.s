# a jump on an unset register
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R4 !read_ok
r0 = 0
if r4 > 0 goto +0
exit
