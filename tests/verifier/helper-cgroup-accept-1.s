# bpf_get_current_cgroup_id is offered to every program type (root), XDP too
# prog_type: xdp
# priv: root
# expect: accept
call 80
r0 = 2
exit
