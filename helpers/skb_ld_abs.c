/* helpers/skb_ld_abs.c - the legacy packet loads (ld_abs / ld_ind) of skb
 * programs (socket filters, tc), answered as the kernel's
 * bpf_skb_load_helper_{8,16,32} (net/core/filter.c) answer them on the
 * linear skb BPF_PROG_TEST_RUN builds:
 *  - off >= 0: the bytes [off, off + size) of the data the program sees
 *    (from skb->data), big-endian to host order; past skb->len: -EFAULT;
 *  - off < 0 (bpf_internal_load_pointer_neg_helper, kernel/bpf/core.c):
 *    off >= SKF_NET_OFF (-0x100000) reads from the network header at
 *    off - SKF_NET_OFF, off >= SKF_LL_OFF (-0x200000) from the MAC header
 *    at off - SKF_LL_OFF; the bytes must end by the packet's tail; anything
 *    lower is -EFAULT. So a socket filter reaches its Ethernet header
 *    through SKF_LL_OFF and tc its IP header through SKF_NET_OFF.
 * The engine turns -EFAULT into "return 0" (vm/ld_pkt.c). */
#include "helpers/helpers_internal.h"

#include <linux/filter.h>

#include <errno.h>

int64_t helper_skb_ld_pkt(struct vm_run *run, uint64_t ctx, int32_t off, unsigned size)
{
    struct helper_call_ctx *cc = helper_cc(run);
    if (vm_get_mode(run->vm) == VM_MODE_CHECKED && ctx != (uintptr_t)cc->ctx_mem) {
        /* the kernel's verifier insists on r6 == ctx; a checked run of an
         * unverified program has to say so instead */
        vm_run_fault(run, -EFAULT, "ld_abs/ld_ind: r6 (0x%llx) is not the context",
                     (unsigned long long)ctx);
        return 0;
    }
    const struct helper_pkt *p = &cc->pkt;
    const struct helper_skb *s = &cc->skb;
    const uint8_t *ptr;
    if (off >= 0) {
        if ((int64_t)(p->data_end - p->data) - off < (int64_t)size)
            return -EFAULT;
        ptr = p->data + off;
    } else if (off >= SKF_NET_OFF) {
        ptr = p->hard_start + s->network_header + (off - SKF_NET_OFF);
    } else if (off >= SKF_LL_OFF && s->mac_header != HELPER_SKB_UNSET) {
        ptr = p->hard_start + s->mac_header + (off - SKF_LL_OFF);
    } else {
        return -EFAULT;
    }
    /* the headers are inside the buffer, so only the tail can be crossed */
    if (ptr + size > p->data_end)
        return -EFAULT;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v = v << 8 | ptr[i];
    return (int64_t)v;
}
