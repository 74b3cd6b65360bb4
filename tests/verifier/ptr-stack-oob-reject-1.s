# a stack pointer moved past the stack, CAP_BPF only
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: R1 stack pointer arithmetic goes out of range, prohibited for !root; off=-520
r1 = r10
r1 += -520
r0 = 0
exit
