# stack liveness: a byte one side of each join zeroes and the other fills
# with unknown data is never read again, so the states match at the join;
# comparing the dead slots (STACK_ZERO against STACK_MISC) would make 2^20
# states, over the complexity limit
# prog_type: xdp
# priv: root
# expect: accept
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -7) = 0
goto +1
*(u8 *)(r10 -7) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -15) = 0
goto +1
*(u8 *)(r10 -15) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -23) = 0
goto +1
*(u8 *)(r10 -23) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -31) = 0
goto +1
*(u8 *)(r10 -31) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -39) = 0
goto +1
*(u8 *)(r10 -39) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -47) = 0
goto +1
*(u8 *)(r10 -47) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -55) = 0
goto +1
*(u8 *)(r10 -55) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -63) = 0
goto +1
*(u8 *)(r10 -63) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -71) = 0
goto +1
*(u8 *)(r10 -71) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -79) = 0
goto +1
*(u8 *)(r10 -79) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -87) = 0
goto +1
*(u8 *)(r10 -87) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -95) = 0
goto +1
*(u8 *)(r10 -95) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -103) = 0
goto +1
*(u8 *)(r10 -103) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -111) = 0
goto +1
*(u8 *)(r10 -111) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -119) = 0
goto +1
*(u8 *)(r10 -119) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -127) = 0
goto +1
*(u8 *)(r10 -127) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -135) = 0
goto +1
*(u8 *)(r10 -135) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -143) = 0
goto +1
*(u8 *)(r10 -143) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -151) = 0
goto +1
*(u8 *)(r10 -151) = r0
call 7
if r0 > 5 goto +2
*(u8 *)(r10 -159) = 0
goto +1
*(u8 *)(r10 -159) = r0
r0 = 2
exit
