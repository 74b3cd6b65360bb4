# XDP has no return range
# prog_type: xdp
# priv: root
# expect: accept
call 7
exit
