# a bpf2bpf call before the start
# prog_type: socket_filter
# priv: root
# expect: reject
# error: call to invalid destination
r0 = 0
call pc-3
exit
