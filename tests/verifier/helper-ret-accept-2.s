# after a failed tail call, set R0
# prog_type: socket_filter
# priv: root
# expect: accept
# map: prog_array key=4 value=4 entries=4
r2 = map[idx:0]
r3 = 0
call 12
r0 = 0
exit
