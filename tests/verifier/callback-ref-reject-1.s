# a record a callback reserves and keeps is the program's reference:
# its exit leaks it
# prog_type: xdp
# priv: root
# expect: reject
# error: Unreleased reference id=2 alloc_insn=14
# error: BPF_EXIT instruction in main prog would lead to reference leak
# map: ringbuf key=0 value=0 entries=4096
*(u64 *)(r10 -8) = 0
r1 = 2
r2 = subprog[cb]
r3 = r10
r3 += -8
r4 = 0
call 181
r0 = 2
exit
cb:
r1 = map[idx:0]
r2 = 8
r3 = 0
call 131
if r0 == 0 goto out
r0 = 0
out:
r0 = 0
exit
