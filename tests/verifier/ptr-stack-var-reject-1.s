# a variable stack offset, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: R1 variable stack access prohibited for !root, var_off=(0x0; 0x8) off=-16
r2 = *(u32 *)(r1 +0)
r2 &= 8
r1 = r10
r1 += -16
r1 += r2
r0 = 0
exit
