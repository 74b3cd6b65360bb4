# a loop of a million iterations exceeds the complexity limit
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF program is too large. Processed 1000001 insn
# errno: E2BIG
r0 = 0
r0 += 1
if r0 < 1000000 goto -2
exit
