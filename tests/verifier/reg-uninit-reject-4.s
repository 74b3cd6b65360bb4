# a helper call clobbers r1-r5
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 !read_ok
call 7
r0 = r1
exit
