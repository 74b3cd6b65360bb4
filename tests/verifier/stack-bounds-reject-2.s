# write below the 512-byte stack
# prog_type: socket_filter
# priv: root
# expect: reject
# error: invalid write to stack R10 off=-520 size=8
r0 = 0
*(u64 *)(r10 -520) = r0
exit
