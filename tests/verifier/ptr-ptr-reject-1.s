# pointer += pointer
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 pointer += pointer prohibited
r1 += r10
r0 = 0
exit
