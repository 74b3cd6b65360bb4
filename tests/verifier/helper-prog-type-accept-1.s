# an XDP helper in XDP
# prog_type: xdp
# priv: root
# expect: accept
r2 = 0
call 44
r0 = 2
exit
