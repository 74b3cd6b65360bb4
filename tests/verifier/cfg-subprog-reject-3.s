# bpf2bpf calls need CAP_BPF
# prog_type: socket_filter
# priv: unpriv
# expect: reject
# error: loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN
# errno: EPERM
call pc+1
exit
r0 = 0
exit
