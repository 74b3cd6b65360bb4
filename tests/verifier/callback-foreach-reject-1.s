# a for_each callback may not write the key
# prog_type: xdp
# priv: root
# expect: reject
# error: write to change key R2 not allowed
# map: hash key=4 value=8 entries=4
r1 = map[idx:0]
r2 = subprog[cb]
r3 = 0
r4 = 0
call 164
r0 = 2
exit
cb:
*(u32 *)(r2 +0) = 1
r0 = 0
exit
