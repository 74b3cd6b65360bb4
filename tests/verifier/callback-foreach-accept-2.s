# a for_each callback may write the value and return 1 to stop
# prog_type: xdp
# priv: root
# expect: accept
# map: array key=4 value=16 entries=4
r1 = map[idx:0]
r2 = subprog[cb]
r3 = 0
r4 = 0
call 164
r0 = 2
exit
cb:
*(u64 *)(r3 +8) = 7
r0 = 1
exit
