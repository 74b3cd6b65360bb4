# bpf_redirect_map takes a devmap, cpumap or xskmap, not a hash map
# prog_type: xdp
# priv: root
# expect: reject
# error: cannot pass map_type 1 into func bpf_redirect_map#51
# map: hash key=4 value=4 entries=4
r1 = map[idx:0]
r2 = 0
r3 = 0
call 51
exit
