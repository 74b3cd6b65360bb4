# backward jump before insn 0
# prog_type: socket_filter
# priv: root
# expect: reject
# error: jump out of range from insn 1 to -3
r0 = 0
if r0 > 1 goto -5
exit
