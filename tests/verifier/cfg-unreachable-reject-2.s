# code jumped over
# prog_type: socket_filter
# priv: root
# expect: reject
# error: unreachable insn 2
r0 = 0
goto +1
r0 = 1
exit
