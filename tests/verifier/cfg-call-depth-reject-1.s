# nine nested bpf2bpf frames
# prog_type: socket_filter
# priv: root
# expect: reject
# error: the call stack of 9 frames is too deep
# errno: E2BIG
r0 = 0
call pc+1
exit
call pc+1
exit
call pc+1
exit
call pc+1
exit
call pc+1
exit
call pc+1
exit
call pc+1
exit
call pc+1
exit
r0 = 0
exit
