# eight nested bpf2bpf frames
# prog_type: socket_filter
# priv: root
# expect: accept
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
r0 = 0
exit
