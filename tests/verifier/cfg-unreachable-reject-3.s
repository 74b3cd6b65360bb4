# CFG errors come before the walk: unreachable, not an infinite loop
# prog_type: socket_filter
# priv: root
# expect: reject
# error: unreachable insn 2
r0 = 0
goto -1
exit
