# nr_loops is any value, but a pointer there trips the kernel's precision
# tracking (it must be a scalar to bound the iterations)
# prog_type: xdp
# priv: root
# expect: reject
# error: verifier bug: backtracking misuse
# errno: EFAULT
r1 = r10
r2 = subprog[cb]
r3 = 0
r4 = 0
call 181
r0 = 2
exit
cb:
r0 = 7
exit
