# a jump from a subprogram into the main one
# prog_type: socket_filter
# priv: root
# expect: reject
# error: jump out of range from insn 3 to 1
call pc+1
exit
r0 = 0
goto -3
exit
