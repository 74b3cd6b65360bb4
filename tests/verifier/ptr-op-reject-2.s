# shifting a pointer
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 pointer arithmetic with <<= operator prohibited
r1 = r10
r1 <<= 2
r0 = 0
exit
