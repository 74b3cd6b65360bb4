# helper id 0 (unspec)
# prog_type: socket_filter
# priv: root
# expect: reject
# error: program of this type cannot use helper bpf_unspec#0
call 0
r0 = 0
exit
