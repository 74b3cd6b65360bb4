# tail_call returns nothing: R0 is unset after it
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R0 !read_ok
# map: prog_array key=4 value=4 entries=4
r2 = map[idx:0]
r3 = 0
call 12
exit
