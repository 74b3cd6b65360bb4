# a map helper given the context as its map
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 type=ctx expected=map_ptr
call 1
r0 = 0
exit
