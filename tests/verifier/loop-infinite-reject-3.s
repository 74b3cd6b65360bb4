# a loop whose state never changes
# prog_type: socket_filter
# priv: root
# expect: reject
# error: infinite loop detected at insn 3
r0 = 0
r1 = 5
r0 += 0
if r1 > 2 goto -2
exit
