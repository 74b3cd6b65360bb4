# FIXED in the kernel: 6.18.44-fc-v1300 rejects this program under CAP_BPF
# too ("invalid read from stack R2 off -8+4 size 8", checked 2026-12-07 with
# the kdiff command below without --no-verify), as does bpfemu's verifier
# (suite: tests/verifier/stack-narrow-spill-*). Kept as the record of the
# finding on 6.18.44-fc-v769:
#
# Candidate kernel verifier bug (Linux 6.18.44), found by
# `bpfemu fuzz runtime-soundness` (a runtime difference in a program the
# kernel also accepts under CAP_BPF-only) and reduced by hand.
#
# A CAP_BPF-only loader (CAP_BPF + CAP_NET_ADMIN, no CAP_PERFMON, so
# allow_uninit_stack is false) stores a 4-byte constant at fp-8 and passes
# 8 bytes at fp-8 to bpf_ringbuf_output: bytes fp-4..fp-1 were never
# written, yet the kernel accepts the program and the ring buffer record
# carries 4 bytes of uninitialised kernel stack (seen: "8188ffff", the high
# half of a kernel address). Unprivileged loads reject it ("invalid read from
# stack R2 off -8+4 size 8"); so does a CAP_BPF-only load when the constant
# is stored through a register without constant tracking.
#
# Likely cause: with bpf_capable, BPF_ST of a narrow constant is kept as a
# spilled scalar (save_register_state with size 4 marks slot_type[4..7]
# STACK_SPILL), and check_stack_range_initialized accepts a helper's read of
# the whole slot when is_spilled_reg() (slot_type[7] == STACK_SPILL) holds
# for a scalar, without looking at the STACK_INVALID bytes 0..3.
#
#   bpfemu kdiff tests/kdiff/kernel-findings/cap-bpf-narrow-spill-leak.s --priv bpf --no-verify
#   (the kernel's ring buffer record differs from bpfemu's zero bytes and
#   from run to run; --priv unpriv: the kernel rejects it)
# prog_type: socket_filter
# priv: bpf
# expect: accept
# map: ringbuf key=0 value=0 entries=4096
*(u32 *)(r10 -8) = 160
r2 = r10
r2 += -8
r3 = 8
r4 = 0
r1 = map[idx:0]
call bpf_ringbuf_output#130
r0 = 0
exit
