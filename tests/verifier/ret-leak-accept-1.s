# root may return a pointer from a socket filter
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = r10
exit
