# bpf_probe_read_user is GPL-only: refused to a non-GPL program
# prog_type: kprobe
# priv: root
# license: MIT
# expect: reject
# error: cannot call GPL-restricted function from non-GPL compatible program
r1 = r10
r1 += -8
r2 = 8
r3 = 0
call 112
r0 = 0
exit
