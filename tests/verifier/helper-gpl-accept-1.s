# a non-GPL kprobe may call helpers that are not GPL-only
# prog_type: kprobe
# priv: root
# license: MIT
# expect: accept
call 14
r1 = r10
r1 += -16
r2 = 16
call 16
call 5
r0 = 0
exit
