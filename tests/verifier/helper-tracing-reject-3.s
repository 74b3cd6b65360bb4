# an XDP helper in a raw tracepoint program
# prog_type: raw_tracepoint
# priv: root
# expect: reject
# error: program of this type cannot use helper bpf_xdp_adjust_head#44
r2 = 0
call 44
r0 = 0
exit
