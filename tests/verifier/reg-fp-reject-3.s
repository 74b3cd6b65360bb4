# loading into r10
# prog_type: socket_filter
# priv: root
# expect: reject
# error: frame pointer is read only
r10 = *(u32 *)(r1 +0)
r0 = 0
exit
