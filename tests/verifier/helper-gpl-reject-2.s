# bpf_perf_event_output is GPL-only in every program type (here XDP)
# prog_type: xdp
# priv: root
# license: Proprietary
# expect: reject
# error: cannot call GPL-restricted function from non-GPL compatible program
# map: perf_event_array key=4 value=4 entries=1
r6 = 0
*(u64 *)(r10 -8) = r6
r2 = map[idx:0]
r3 = 0
r4 = r10
r4 += -8
r5 = 8
call 25
r0 = 2
exit
