# bpf_get_smp_processor_id() can be 0: the access on that branch is verified
# and rejected
# prog_type: xdp
# priv: root
# expect: reject
# error: R0 invalid mem access 'scalar'
call 8
if r0 == 0x0 goto +2
r0 = 2
exit
r0 = *(u64 *)(r0 +0)
exit
