# bpf_get_smp_processor_id() returns less than nr_cpu_ids
# (do_refine_retval_range): the branch past any CPU number is dead, so the
# invalid access there is never verified
# prog_type: xdp
# priv: root
# expect: accept
call 8
if r0 > 0x7fff goto +2
r0 = 2
exit
r0 = *(u64 *)(r0 +0)
exit
