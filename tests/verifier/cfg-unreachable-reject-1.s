# code after exit
# prog_type: socket_filter
# priv: root
# expect: reject
# error: unreachable insn 2
r0 = 0
exit
r0 = 1
exit
