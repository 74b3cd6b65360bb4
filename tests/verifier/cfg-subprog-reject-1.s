# a bpf2bpf call past the end
# prog_type: socket_filter
# priv: root
# expect: reject
# error: call to invalid destination
r0 = 0
call pc+5
exit
