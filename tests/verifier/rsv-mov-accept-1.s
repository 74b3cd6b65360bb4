# movsx forms: 64-bit from 8/16/32, 32-bit from 8/16
# prog_type: socket_filter
# priv: root
# expect: accept
r1 = -1
r0 = (s8)r1
r0 = (s16)r1
r0 = (s32)r1
w0 = (s8)w1
w0 = (s16)w1
exit
