# bpf_loop's callback must be a function pointer (ld_imm64 of a subprogram)
# prog_type: xdp
# priv: root
# expect: reject
# error: R2 type=scalar expected=func
r1 = 1
r2 = 0
r3 = 0
r4 = 0
call 181
r0 = 2
exit
