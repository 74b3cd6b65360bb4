# a bpf_loop callback must return 0 or 1
# prog_type: xdp
# priv: root
# expect: reject
# error: At callback return the register R0 has smin=2 smax=2 should have been in [0, 1]
r1 = 1
r2 = subprog[cb]
r3 = 0
r4 = 0
call 181
r0 = 2
exit
cb:
r0 = 2
exit
