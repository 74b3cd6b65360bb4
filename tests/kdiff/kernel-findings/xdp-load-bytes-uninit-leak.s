# Candidate kernel bug (Linux 6.18.44-fc-v1300), found by
# `bpfemu fuzz runtime-soundness --seconds 600 --seed 601` on 2026-12-07
# (runtime differences in map contents, minimised, then reduced by hand).
#
# A CAP_BPF-only loader (CAP_BPF + CAP_NET_ADMIN, no CAP_PERFMON: pointer
# leaks and reads of uninitialised stack are refused) calls
# bpf_xdp_load_bytes(ctx, 0x10000, fp-8, 8). The offset is out of range,
# so the helper returns an error (-EFAULT) without writing the buffer; but
# the buffer is an ARG_PTR_TO_UNINIT_MEM argument, which the verifier
# marks written whatever the helper returns. The 8 bytes at fp-8 are then
# stored into an array map that user space reads: the kernel's value was
# c01654768088ffff, i.e. 0xffff88807654 16c0, a direct-map kernel address
# (bpfemu, whose stack starts zeroed, gives 0). bpf_skb_load_bytes clears
# its buffer on error for exactly this reason (err_clear); the XDP helper
# does not.
#
#   bpfemu kdiff tests/kdiff/kernel-findings/xdp-load-bytes-uninit-leak.s --priv bpf
#   ...
#   packet 0: map map0 (array) key 00000000 differs
#     kernel: c01654768088ffff
#     bpfemu: 0000000000000000
#
# With r2 = 0 (an offset inside the packet) both sides agree.
# prog_type: xdp
# priv: bpf
# expect: accept
# map: array key=4 value=8 entries=1
r2 = 65536
r3 = r10
r3 += -8
r4 = 8
call bpf_xdp_load_bytes
*(u32 *)(r10 -16) = 0
r1 = map[idx:0]
r2 = r10
r2 += -16
r3 = r10
r3 += -8
r4 = 0
call bpf_map_update_elem
r0 = 2
exit
