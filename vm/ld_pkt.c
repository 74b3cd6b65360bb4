/* vm/ld_pkt.c - the legacy packet loads (BPF_LD | BPF_ABS / BPF_IND) for
 * every engine. The kernel's verifier rewrites them (bpf_gen_ld_abs) into
 * "r2 = offset; r1 = r6; call bpf_skb_load_helper_N; if r0 s>= 0 continue;
 * w0 ^= w0; exit", so the engines do the same: vm/ knows no packets, the
 * runtime that owns the context answers the load (vm_set_ld_pkt). */
#include "vm/vm_internal.h"

#include <errno.h>

void vm_set_ld_pkt(struct vm *vm, vm_ld_pkt_fn fn) { vm->ld_pkt = fn; }

uint64_t vm_ld_pkt_call(struct vm_run *run, uint64_t ctx, uint64_t off, unsigned size)
{
    vm_ld_pkt_fn fn = run->vm->ld_pkt;
    if (!fn) {
        vm_run_fault(run, -ENOTSUP,
                     "legacy packet access (ld_abs/ld_ind) needs a socket filter context");
        return 0;
    }
    /* the kernel's helpers take the offset as an int */
    return (uint64_t)fn(run, ctx, (int32_t)(uint32_t)off, size);
}

/* the helper-shaped entry points compiled code calls (r1 = ctx, r2 = offset) */
uint64_t vm_ld_pkt_b(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                     struct vm_run *run)
{
    (void)r3, (void)r4, (void)r5;
    return vm_ld_pkt_call(run, r1, r2, 1);
}

uint64_t vm_ld_pkt_h(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                     struct vm_run *run)
{
    (void)r3, (void)r4, (void)r5;
    return vm_ld_pkt_call(run, r1, r2, 2);
}

uint64_t vm_ld_pkt_w(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                     struct vm_run *run)
{
    (void)r3, (void)r4, (void)r5;
    return vm_ld_pkt_call(run, r1, r2, 4);
}
