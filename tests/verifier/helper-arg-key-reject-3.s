# an uninitialised key, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: invalid read from stack R2 off=-4 size=4
# map: hash key=4 value=8 entries=16
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r0 = 0
exit
