# a subprogram that falls off its end
# prog_type: socket_filter
# priv: root
# expect: reject
# error: last insn is not an exit or jmp
call pc+1
exit
r0 = 0
