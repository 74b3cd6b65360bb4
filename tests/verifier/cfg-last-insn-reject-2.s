# ends in a conditional jump
# prog_type: socket_filter
# priv: root
# expect: reject
# error: last insn is not an exit or jmp
r0 = 0
exit
if r0 > 0 goto -2
