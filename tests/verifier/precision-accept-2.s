# pruning compares a narrow (4-byte) spill byte by byte, as the kernel's
# stacksafe: the same spilled constant with unknown bytes beside it (after
# an 8-byte spill) or uninitialised ones matches; 20 such joins, each on
# its own slot and read at the end, would otherwise be 2^20 states, over
# the complexity limit
# prog_type: xdp
# priv: root
# expect: accept
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -8) = r0
*(u32 *)(r10 -8) = 1
goto +1
*(u32 *)(r10 -8) = 1
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -16) = r0
*(u32 *)(r10 -16) = 2
goto +1
*(u32 *)(r10 -16) = 2
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -24) = r0
*(u32 *)(r10 -24) = 3
goto +1
*(u32 *)(r10 -24) = 3
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -32) = r0
*(u32 *)(r10 -32) = 4
goto +1
*(u32 *)(r10 -32) = 4
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -40) = r0
*(u32 *)(r10 -40) = 5
goto +1
*(u32 *)(r10 -40) = 5
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -48) = r0
*(u32 *)(r10 -48) = 6
goto +1
*(u32 *)(r10 -48) = 6
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -56) = r0
*(u32 *)(r10 -56) = 7
goto +1
*(u32 *)(r10 -56) = 7
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -64) = r0
*(u32 *)(r10 -64) = 8
goto +1
*(u32 *)(r10 -64) = 8
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -72) = r0
*(u32 *)(r10 -72) = 9
goto +1
*(u32 *)(r10 -72) = 9
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -80) = r0
*(u32 *)(r10 -80) = 10
goto +1
*(u32 *)(r10 -80) = 10
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -88) = r0
*(u32 *)(r10 -88) = 11
goto +1
*(u32 *)(r10 -88) = 11
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -96) = r0
*(u32 *)(r10 -96) = 12
goto +1
*(u32 *)(r10 -96) = 12
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -104) = r0
*(u32 *)(r10 -104) = 13
goto +1
*(u32 *)(r10 -104) = 13
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -112) = r0
*(u32 *)(r10 -112) = 14
goto +1
*(u32 *)(r10 -112) = 14
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -120) = r0
*(u32 *)(r10 -120) = 15
goto +1
*(u32 *)(r10 -120) = 15
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -128) = r0
*(u32 *)(r10 -128) = 16
goto +1
*(u32 *)(r10 -128) = 16
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -136) = r0
*(u32 *)(r10 -136) = 17
goto +1
*(u32 *)(r10 -136) = 17
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -144) = r0
*(u32 *)(r10 -144) = 18
goto +1
*(u32 *)(r10 -144) = 18
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -152) = r0
*(u32 *)(r10 -152) = 19
goto +1
*(u32 *)(r10 -152) = 19
call 7
if r0 > 5 goto +3
*(u64 *)(r10 -160) = r0
*(u32 *)(r10 -160) = 20
goto +1
*(u32 *)(r10 -160) = 20
r1 = *(u32 *)(r10 -8)
r1 = *(u32 *)(r10 -16)
r1 = *(u32 *)(r10 -24)
r1 = *(u32 *)(r10 -32)
r1 = *(u32 *)(r10 -40)
r1 = *(u32 *)(r10 -48)
r1 = *(u32 *)(r10 -56)
r1 = *(u32 *)(r10 -64)
r1 = *(u32 *)(r10 -72)
r1 = *(u32 *)(r10 -80)
r1 = *(u32 *)(r10 -88)
r1 = *(u32 *)(r10 -96)
r1 = *(u32 *)(r10 -104)
r1 = *(u32 *)(r10 -112)
r1 = *(u32 *)(r10 -120)
r1 = *(u32 *)(r10 -128)
r1 = *(u32 *)(r10 -136)
r1 = *(u32 *)(r10 -144)
r1 = *(u32 *)(r10 -152)
r1 = *(u32 *)(r10 -160)
r0 = 2
exit
