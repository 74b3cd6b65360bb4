# a record written before the null check
# prog_type: xdp
# priv: root
# expect: reject
# error: R0 invalid mem access 'ringbuf_mem_or_null'
# map: ringbuf key=0 value=0 entries=4096
r1 = map[idx:0]
r2 = 8
r3 = 0
call 131
r1 = 7
*(u64 *)(r0 +0) = r1
r0 = 2
exit
