# an XDP helper in a socket filter
# prog_type: socket_filter
# priv: root
# expect: reject
# error: program of this type cannot use helper bpf_xdp_adjust_head#44
call 44
r0 = 0
exit
