# tail_call takes a prog array
# prog_type: xdp
# priv: root
# expect: accept
# map: prog_array key=4 value=4 entries=4
r2 = map[idx:0]
r3 = 0
call 12
r0 = 2
exit
