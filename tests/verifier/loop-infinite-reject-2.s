# a jump that is always taken back to itself
# prog_type: socket_filter
# priv: root
# expect: reject
# error: infinite loop detected at insn 1
r1 = 0
if r1 == 0 goto -1
r0 = 0
exit
