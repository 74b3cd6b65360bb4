# the key argument given the context
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R2 type=ctx expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_
# map: hash key=4 value=8 entries=16
r2 = r1
r1 = map[idx:0]
call 1
r0 = 0
exit
