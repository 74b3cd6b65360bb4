# tracing: bpf_get_attach_cookie (on the ctx) and bpf_get_current_task
# prog_type: tracepoint
# priv: root
# expect: accept
call 174
r6 = r0
call 35
r0 += r6
exit
