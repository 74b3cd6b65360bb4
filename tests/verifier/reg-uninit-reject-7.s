# R0 unset on one path only
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 !read_ok
r2 = *(u32 *)(r1 +0)
if r2 > 5 goto +1
r0 = 1
exit
