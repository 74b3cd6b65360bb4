/* helpers/helper_xdp.c - XDP packet helpers (net/core/filter.c's rules:
 * the xdp_frame reserve at the head, ETH_HLEN minimum, metadata limits) and
 * redirects. The run's packet region follows every change. */
#include "helpers/helper_fns.h"

#include <linux/pkt_cls.h>

#include <errno.h>
#include <string.h>

void helper_pkt_sync_region(struct vm_run *run)
{
    struct helper_call_ctx *cc = helper_cc(run);
    if (cc->pkt_region < 0)
        return;
    struct vm_region *r = &run->regions[cc->pkt_region];
    r->start = (uintptr_t)(cc->pkt.data_meta < cc->pkt.data ? cc->pkt.data_meta : cc->pkt.data);
    r->end = (uintptr_t)cc->pkt.data_end;
    vm_run_regions_changed(run);
}

static size_t metalen(const struct helper_pkt *p) { return (size_t)(p->data - p->data_meta); }

HELPER_FN(xdp_adjust_head)
{
    struct helper_pkt *p = &helper_cc(run)->pkt;
    int32_t off = (int32_t)r2;
    size_t meta = metalen(p);
    uint8_t *start = p->hard_start + HELPER_XDP_FRAME_SIZE + meta;
    /* pointer arithmetic stays inside buf: compare offsets, not pointers */
    ptrdiff_t pos = (p->data - p->hard_start) + (ptrdiff_t)off;
    if (pos < start - p->hard_start || pos > (p->data_end - p->hard_start) - (ptrdiff_t)HELPER_ETH_HLEN)
        return (uint64_t)-EINVAL;
    uint8_t *data = p->hard_start + pos;
    if (meta)
        memmove(p->data_meta + off, p->data_meta, meta);
    p->data_meta += off;
    p->data = data;
    helper_pkt_sync_region(run);
    return 0;
}

HELPER_FN(xdp_adjust_tail)
{
    struct helper_pkt *p = &helper_cc(run)->pkt;
    int32_t off = (int32_t)r2;
    ptrdiff_t end = (p->data_end - p->hard_start) + (ptrdiff_t)off;
    if (end > p->hard_end - p->hard_start)
        return (uint64_t)-EINVAL;
    if (end < (p->data - p->hard_start) + (ptrdiff_t)HELPER_ETH_HLEN)
        return (uint64_t)-EINVAL;
    if (off > 0) /* the kernel clears what the packet grows into */
        memset(p->data_end, 0, (size_t)off);
    p->data_end = p->hard_start + end;
    helper_pkt_sync_region(run);
    return 0;
}

HELPER_FN(xdp_adjust_meta)
{
    struct helper_pkt *p = &helper_cc(run)->pkt;
    int32_t off = (int32_t)r2;
    ptrdiff_t meta = (p->data_meta - p->hard_start) + (ptrdiff_t)off;
    if (meta < (ptrdiff_t)HELPER_XDP_FRAME_SIZE || meta > p->data - p->hard_start)
        return (uint64_t)-EINVAL;
    size_t len = (size_t)((p->data - p->hard_start) - meta);
    if ((len & 3) || len > HELPER_XDP_META_MAX)
        return (uint64_t)-EACCES;
    p->data_meta = p->hard_start + meta;
    helper_pkt_sync_region(run);
    return 0;
}

/* bpf_xdp_pointer's checks (net/core/filter.c): an offset or length past
 * 0xffff is -EFAULT, bytes past the end of the (linear) buffer -EINVAL;
 * 0 when [off, off+len) is in the packet. */
static int64_t pkt_span(const struct helper_pkt *p, uint32_t off, uint32_t len)
{
    if (off > 0xffff || len > 0xffff)
        return -EFAULT;
    if ((uint64_t)off + len > (uint64_t)(p->data_end - p->data))
        return -EINVAL;
    return 0;
}

HELPER_FN(xdp_load_bytes)
{
    struct helper_pkt *p = &helper_cc(run)->pkt;
    if (!helper_arg_mem(run, r3, r4, true, "buf"))
        return 0;
    int64_t rc = pkt_span(p, (uint32_t)r2, (uint32_t)r4);
    if (rc)
        return (uint64_t)rc;
    memcpy((void *)(uintptr_t)r3, p->data + (uint32_t)r2, (uint32_t)r4);
    return 0;
}

HELPER_FN(xdp_store_bytes)
{
    struct helper_pkt *p = &helper_cc(run)->pkt;
    if (!helper_arg_mem(run, r3, r4, false, "buf"))
        return 0;
    int64_t rc = pkt_span(p, (uint32_t)r2, (uint32_t)r4);
    if (rc)
        return (uint64_t)rc;
    memmove(p->data + (uint32_t)r2, (const void *)(uintptr_t)r3, (uint32_t)r4);
    return 0;
}

HELPER_FN(xdp_get_buff_len)
{
    struct helper_pkt *p = &helper_cc(run)->pkt;
    return (uint64_t)(p->data_end - p->data);
}

/* bpf_redirect: the target is recorded; in test runs nothing is sent. */
HELPER_FN(redirect)
{
    struct helper_call_ctx *cc = helper_cc(run);
    if (cc->prog_type == BPF_PROG_TYPE_XDP) {
        if (r2)
            return XDP_ABORTED;
        cc->redirect_ifindex = (uint32_t)r1;
        cc->redirect_flags = r2;
        return XDP_REDIRECT;
    }
    if (r2 & ~(uint64_t)BPF_F_INGRESS)
        return TC_ACT_SHOT;
    cc->redirect_ifindex = (uint32_t)r1;
    cc->redirect_flags = r2;
    return TC_ACT_REDIRECT;
}

/* bpf_redirect_map: XDP_REDIRECT when the slot is populated, else the
 * action in the low bits of flags (the kernel's fallback). */
HELPER_FN(redirect_map)
{
    struct maps_map *m = helper_arg_map(run, r1);
    if (!m)
        return 0;
    uint64_t action_on_miss = r3 & 0x3;
    if (r3 & ~(uint64_t)(0x3 | BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS))
        return XDP_ABORTED;
    uint32_t key = (uint32_t)r2;
    const struct maps_attr *a = maps_get_attr(m);
    if (a->type == BPF_MAP_TYPE_DEVMAP_HASH || a->type == BPF_MAP_TYPE_DEVMAP ||
        a->type == BPF_MAP_TYPE_CPUMAP || a->type == BPF_MAP_TYPE_XSKMAP) {
        void *v = maps_elem_lookup(m, &key, helper_cc(run)->cpu);
        if (!v)
            return action_on_miss;
        struct helper_call_ctx *cc = helper_cc(run);
        cc->redirect_ifindex = key;
        cc->redirect_flags = r3;
        return XDP_REDIRECT;
    }
    return action_on_miss;
}
