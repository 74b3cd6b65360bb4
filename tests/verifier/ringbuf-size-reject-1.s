# a record written past its size
# prog_type: xdp
# priv: root
# expect: reject
# error: invalid access to memory, mem_size=8 off=8 size=8
# error: R0 min value is outside of the allowed memory range
# map: ringbuf key=0 value=0 entries=4096
r1 = map[idx:0]
r2 = 8
r3 = 0
call 131
if r0 == 0 goto +5
r1 = 7
*(u64 *)(r0 +8) = r1
r1 = r0
r2 = 0
call 132
r0 = 2
exit
