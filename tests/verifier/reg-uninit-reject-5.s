# a store of an unset register
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R3 !read_ok
*(u64 *)(r10 -8) = r3
r0 = 0
exit
