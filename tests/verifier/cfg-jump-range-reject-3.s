# the first bad jump in index order is reported
# prog_type: socket_filter
# priv: root
# expect: reject
# error: jump out of range from insn 1 to 9
r0 = 0
if r0 > 1 goto +7
goto +9
exit
