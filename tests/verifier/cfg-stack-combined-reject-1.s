# 512 bytes of stack in the caller and 8 in the callee
# prog_type: socket_filter
# priv: root
# expect: reject
# error: combined stack size of 2 calls is 528. Too large
# errno: EACCES
r1 = 0
*(u64 *)(r10 -512) = r1
call pc+2
r0 = 0
exit
r1 = 0
*(u64 *)(r10 -8) = r1
r0 = 0
exit
