/* helpers/ctx_xdp.c - struct xdp_md as an XDP program sees it. As in the
 * kernel (xdp_is_valid_access + xdp_convert_ctx_access), the context is
 * read-only, every field is read with an aligned 4-byte load, and a load
 * of data / data_end / data_meta yields the full 64-bit packet pointer.
 * helper_ctx_xdp_direct says the same as data for the JIT: every field is
 * a host value (vm_ctx_direct_fn). */
#include "helpers/helpers_internal.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

int helper_ctx_xdp_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                          unsigned size, bool write, uint64_t *value, const char **why)
{
    struct helper_call_ctx *cc = helper_cc(run);
    if (write) {
        *why = "xdp_md is read-only";
        return -EACCES;
    }
    if (size != 4 || off % 4 || off >= sizeof(struct xdp_md)) {
        *why = "xdp_md fields are read with aligned 4-byte loads";
        return -EACCES;
    }
    switch (off) {
    case offsetof(struct xdp_md, data):
        *value = (uintptr_t)cc->pkt.data;
        return 0;
    case offsetof(struct xdp_md, data_end):
        *value = (uintptr_t)cc->pkt.data_end;
        return 0;
    case offsetof(struct xdp_md, data_meta):
        *value = (uintptr_t)cc->pkt.data_meta;
        return 0;
    case offsetof(struct xdp_md, ingress_ifindex):
        *value = cc->xdp.ingress_ifindex;
        return 0;
    case offsetof(struct xdp_md, rx_queue_index):
        *value = cc->xdp.rx_queue_index;
        return 0;
    case offsetof(struct xdp_md, egress_ifindex):
        *value = cc->xdp.egress_ifindex;
        return 0;
    }
    *why = "no such field";
    return -EACCES;
}

bool helper_ctx_xdp_direct(struct vm_run *run, const struct vm_region *r, uint32_t off,
                           unsigned size, const void **ptr, unsigned *width)
{
    struct helper_call_ctx *cc = helper_cc(run);
    if (size != 4)
        return false;
    switch (off) {
    case offsetof(struct xdp_md, data): *ptr = &cc->pkt.data; *width = 8; return true;
    case offsetof(struct xdp_md, data_end): *ptr = &cc->pkt.data_end; *width = 8; return true;
    case offsetof(struct xdp_md, data_meta): *ptr = &cc->pkt.data_meta; *width = 8; return true;
    case offsetof(struct xdp_md, ingress_ifindex): *ptr = &cc->xdp.ingress_ifindex; *width = 4; return true;
    case offsetof(struct xdp_md, rx_queue_index): *ptr = &cc->xdp.rx_queue_index; *width = 4; return true;
    case offsetof(struct xdp_md, egress_ifindex): *ptr = &cc->xdp.egress_ifindex; *width = 4; return true;
    }
    return false;
}

/* Relative to ctx_mem, where helper_ctx_xdp_direct's values live in every
 * run (test runs and sessions start programs with r1 = cc->ctx_mem). */
#define CC_DELTA(member) \
    ((int32_t)offsetof(struct helper_call_ctx, member) - (int32_t)offsetof(struct helper_call_ctx, ctx_mem))

unsigned helper_ctx_xdp_layout(struct vm_ctx_field *out)
{
    const struct vm_ctx_field f[] = {
        {offsetof(struct xdp_md, data), 4, 8, CC_DELTA(pkt.data)},
        {offsetof(struct xdp_md, data_end), 4, 8, CC_DELTA(pkt.data_end)},
        {offsetof(struct xdp_md, data_meta), 4, 8, CC_DELTA(pkt.data_meta)},
        {offsetof(struct xdp_md, ingress_ifindex), 4, 4, CC_DELTA(xdp.ingress_ifindex)},
        {offsetof(struct xdp_md, rx_queue_index), 4, 4, CC_DELTA(xdp.rx_queue_index)},
        {offsetof(struct xdp_md, egress_ifindex), 4, 4, CC_DELTA(xdp.egress_ifindex)},
    };
    memcpy(out, f, sizeof(f));
    return sizeof(f) / sizeof(f[0]);
}
