# subtraction from the stack pointer, even of a constant
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 subtraction from stack pointer prohibited
r1 = r10
r1 -= 8
r0 = 0
exit
