# ktime_get_ns and get_prandom_u32 unprivileged
# prog_type: socket_filter
# priv: unpriv
# expect: accept
call 5
call 7
r0 = 0
exit
