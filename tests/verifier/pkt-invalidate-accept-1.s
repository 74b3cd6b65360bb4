# after bpf_xdp_adjust_head, reload and recheck
# prog_type: xdp
# priv: root
# expect: accept
r6 = r1
r1 = r6
r2 = 4
call 44
r1 = r6
r2 = *(u32 *)(r1 +0)
r3 = *(u32 *)(r1 +4)
r4 = r2
r4 += 14
if r4 > r3 goto +1
r0 = *(u8 *)(r2 +0)
r0 = 2
exit
