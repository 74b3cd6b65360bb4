# the main program ends in the call: the callee starts right after
# prog_type: socket_filter
# priv: root
# expect: reject
# error: last insn is not an exit or jmp
call pc+0
exit
