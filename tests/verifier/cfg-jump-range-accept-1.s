# a goto +0 and a jump to the last insn
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
goto +0
if r0 > 1 goto +0
exit
