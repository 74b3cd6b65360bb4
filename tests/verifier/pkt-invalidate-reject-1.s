# bpf_xdp_adjust_head invalidates packet pointers (root: they become scalars)
# prog_type: xdp
# priv: root
# expect: reject
# error: R7 invalid mem access 'scalar'
r6 = r1
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = r2
r4 += 14
if r4 > r3 goto +6
r1 = r6
r2 = 4
r7 = r2
call 44
r0 = *(u8 *)(r7 +0)
r0 = 2
exit
