# read below the 512-byte stack
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid read from stack R10 off=-520 size=8
r0 = *(u64 *)(r10 -520)
exit
