# the caller's r1-r5 are clobbered by the call
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 !read_ok
r1 = 7
call pc+2
r0 = r1
exit
r0 = 0
exit
