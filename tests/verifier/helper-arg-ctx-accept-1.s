# the context argument given the context
# prog_type: xdp
# priv: root
# expect: accept
r2 = 4
call 44
r0 = 2
exit
