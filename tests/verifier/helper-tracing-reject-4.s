# bpf_probe_read_user_str writes its buffer: the stack must hold the size
# prog_type: kprobe
# priv: root
# expect: reject
# error: invalid write to stack R1 off=-8 size=16
r1 = r10
r1 += -8
r2 = 16
r3 = 0
call 114
r0 = 0
exit
