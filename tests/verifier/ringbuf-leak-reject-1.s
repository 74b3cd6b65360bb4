# a reserved record never submitted
# prog_type: xdp
# priv: root
# expect: reject
# error: Unreleased reference id=2 alloc_insn=4
# error: BPF_EXIT instruction in main prog would lead to reference leak
# errno: EINVAL
# map: ringbuf key=0 value=0 entries=4096
r1 = map[idx:0]
r2 = 8
r3 = 0
call 131
r0 = 2
exit
