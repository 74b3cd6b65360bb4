# the upper half of bytes_received passes the access check, then has no conversion
# prog_type: sched_cls
# priv: root
# expect: reject
# error: verifier bug: error during ctx access conversion (0)
r1 = *(u64 *)(r1 +168)
r0 = 0
if r1 == 0 goto +4
call bpf_tcp_sock
if r0 == 0 goto +2
r0 = *(u32 *)(r0 +84)
exit
r0 = 0
exit
