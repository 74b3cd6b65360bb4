# returning a pointer leaks it without CAP_PERFMON
# prog_type: socket_filter
# priv: unpriv
# expect: reject
# error: R0 leaks addr as return value
r0 = r1
exit
