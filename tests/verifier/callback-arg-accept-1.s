# bpf_loop's flags are checked when it runs (-EINVAL), not at load
# prog_type: xdp
# priv: root
# expect: accept
r1 = 1
r2 = subprog[cb]
r3 = 0
r4 = 1
call 181
r0 = 2
exit
cb:
r0 = 0
exit
