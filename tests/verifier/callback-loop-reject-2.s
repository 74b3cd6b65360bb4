# a bpf_loop callback gets two arguments: r3 is not initialised
# prog_type: xdp
# priv: root
# expect: reject
# error: R3 !read_ok
r1 = 1
r2 = subprog[cb]
r3 = r10
r4 = 0
call 181
r0 = 2
exit
cb:
r0 = r3
exit
