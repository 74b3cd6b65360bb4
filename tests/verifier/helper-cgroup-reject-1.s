# bpf_get_current_cgroup_id returns a scalar: not a pointer to read through
# prog_type: kprobe
# priv: root
# expect: reject
# error: R0 invalid mem access 'scalar'
call 80
r0 = *(u64 *)(r0 +0)
exit
