# 256 + 256 bytes of stack in a call chain
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = 0
*(u64 *)(r10 -256) = r1
call pc+2
r0 = 0
exit
r1 = 0
*(u64 *)(r10 -256) = r1
r0 = 0
exit
