# a loop counting to 100, explored to the end
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 0
r1 = 0
r0 += 2
r1 += 1
if r1 < 100 goto -3
exit
