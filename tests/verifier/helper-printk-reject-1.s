# trace_printk's format must be memory
# prog_type: socket_filter
# priv: root
# expect: reject
# error: R1 type=ctx expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_
r2 = 8
call 6
r0 = 0
exit
