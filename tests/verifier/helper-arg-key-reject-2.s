# the key argument unset
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R2 !read_ok
# map: hash key=4 value=8 entries=16
r1 = map[idx:0]
call 1
r0 = 0
exit
