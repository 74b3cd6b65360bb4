# be16, le32, bswap64
# prog_type: socket_filter
# priv: root
# expect: accept
r0 = 1
r0 = be16 r0
r0 = le32 r0
r0 = bswap64 r0
exit
