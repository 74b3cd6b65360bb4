# submitting a stack pointer
# prog_type: xdp
# priv: root
# expect: reject
# error: R1 type=fp expected=ringbuf_mem
# map: ringbuf key=0 value=0 entries=4096
r1 = r10
r2 = 0
call 132
r0 = 2
exit
