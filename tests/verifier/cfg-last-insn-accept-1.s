# ends in an unconditional jump back
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
if r0 > 5 goto +1
exit
goto -2
