# a bounded loop under CAP_BPF: the speculative path makes the counter unknown, and the loop repeats a state
# prog_type: socket_filter
# priv: bpf
# expect: reject
# error: infinite loop detected at insn 1
r0 = 0
r0 += 1
if r0 < 10 goto -2
exit
