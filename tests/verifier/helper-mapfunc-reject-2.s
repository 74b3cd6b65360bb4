# a prog array only goes to tail_call: no lookups in it
# prog_type: xdp
# priv: root
# expect: reject
# error: cannot pass map_type 3 into func bpf_map_lookup_elem#1
# map: prog_array key=4 value=4 entries=4
*(u32 *)(r10 -4) = 0
r2 = r10
r2 += -4
r1 = map[idx:0]
call 1
r0 = 2
exit
