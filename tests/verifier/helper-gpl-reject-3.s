# bpf_get_current_task is GPL-only
# prog_type: raw_tracepoint
# priv: root
# license: Dual MIT/BSD
# expect: reject
# error: cannot call GPL-restricted function from non-GPL compatible program
call 35
r0 = 0
exit
