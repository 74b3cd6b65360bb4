# a callee returning a pointer to its stack
# prog_type: socket_filter
# priv: root
# expect: reject
# error: cannot return stack pointer to the caller
call pc+2
r0 = 0
exit
r0 = r10
exit
