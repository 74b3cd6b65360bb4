# falls off the end
# prog_type: socket_filter
# priv: root
# expect: reject
# error: last insn is not an exit or jmp
r0 = 0
r0 += 1
