# shift by a negative immediate
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid shift -1
r0 = 1
r0 s>>= -1
exit
