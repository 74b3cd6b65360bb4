# an unknown atomic operation
# prog_type: socket_filter
# priv: root
# expect: reject
# error: BPF_ATOMIC uses invalid atomic opcode 10
r1 = 0
*(u64 *)(r10 -8) = r1
r2 = 1
.insn 0x00000010fff82adb
r0 = 0
exit
