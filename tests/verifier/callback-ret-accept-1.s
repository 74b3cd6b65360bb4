# a bpf_loop callback may return 0 or 1 (1 stops the loop), here from
# its index argument; a NULL callback ctx
# prog_type: xdp
# priv: root
# expect: accept
r1 = 10
r2 = subprog[cb]
r3 = 0
r4 = 0
call 181
r0 = 2
exit
cb:
r0 = r1
r0 &= 1
exit
