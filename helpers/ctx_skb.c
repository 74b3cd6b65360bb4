/* helpers/ctx_skb.c - struct __sk_buff as skb programs see it: tc
 * (SCHED_CLS/SCHED_ACT), socket filters, cgroup_skb and LWT programs.
 *
 * The rules are net/core/filter.c's: the per-type *_is_valid_access (which
 * fields a type may read and write), bpf_skb_is_valid_access (sizes and
 * alignment), and bpf_convert_ctx_access plus the verifier's narrow-load
 * rewrite (what a load returns):
 *
 *  - a plain field is read with a 1-, 2- or 4-byte aligned load. The kernel
 *    loads the sk_buff member (1, 2 or 4 bytes wide: its "target size") and,
 *    only when the load is narrower than that member, shifts and masks. So a
 *    2-byte load of the upper half of `protocol` (a 2-byte member) returns
 *    the protocol again, and a 1-byte load of the upper half returns 0.
 *  - writes are 4 bytes (tstamp 8) and truncated to the member: tc_index
 *    and tc_classid keep 16 bits, a queue_mapping >= 0xffff (compared as a
 *    64-bit register) is ignored. (For BPF_ST, which Linux >= 6.3 accepts
 *    on ctx, the kernel compares the s32 immediate instead, so an imm of -1
 *    stores 0xffff; the accessor cannot tell ST from STX and ignores it.)
 *  - cb[] is plain memory: any aligned 1/2/4/8-byte access inside it.
 *  - data, data_end, data_meta: 4-byte loads that yield 64-bit pointers
 *    (data_meta == data: skbs carry no XDP metadata here).
 *  - tstamp, hwtstamp, sk: 8-byte loads only; sk reads as NULL here (the
 *    kernel's test run has a dummy socket: see docs in test_run_skb.c).
 *
 * A rejected access is -EACCES with *why naming the kernel's rule. */
#include "helpers/helpers_internal.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define SKB_OFF(f) offsetof(struct __sk_buff, f)
#define SKB_END(f) (offsetof(struct __sk_buff, f) + sizeof(((struct __sk_buff *)0)->f))
#define IN(off, f) ((off) >= SKB_OFF(f) && (off) < SKB_END(f))

enum ctx_kind { K_TC, K_SOCKET, K_CGROUP, K_LWT };

static enum ctx_kind kind_of(uint32_t prog_type)
{
    switch (prog_type) {
    case BPF_PROG_TYPE_SOCKET_FILTER:
        return K_SOCKET;
    case BPF_PROG_TYPE_CGROUP_SKB:
        return K_CGROUP;
    case BPF_PROG_TYPE_LWT_IN:
    case BPF_PROG_TYPE_LWT_OUT:
    case BPF_PROG_TYPE_LWT_XMIT:
    case BPF_PROG_TYPE_LWT_SEG6LOCAL:
        return K_LWT;
    default:
        return K_TC;
    }
}

static int deny(const char **why, const char *msg)
{
    *why = msg;
    return -EACCES;
}

/* The per-type rules (tc_cls_act_ / sk_filter_ / cg_skb_ / lwt_is_valid_access). */
static int type_check(enum ctx_kind k, uint32_t off, unsigned size, bool write, const char **why)
{
    bool sk_fields = off >= SKB_OFF(family) && off < SKB_END(local_port);
    switch (k) {
    case K_TC:
        if (write && !(IN(off, mark) || IN(off, tc_index) || IN(off, priority) ||
                       IN(off, tc_classid) || IN(off, cb) || IN(off, tstamp) ||
                       IN(off, queue_mapping)))
            return deny(why, "tc programs may write mark, priority, tc_index, tc_classid, "
                             "queue_mapping, cb[] and tstamp only");
        if (sk_fields)
            return deny(why, "tc programs may not read family .. local_port");
        if (off == SKB_OFF(tstamp_type))
            return size == 1 && !write ? 0 : deny(why, "tstamp_type is a read-only u8");
        return 0;
    case K_SOCKET:
        if (IN(off, tc_classid) || IN(off, data) || IN(off, data_meta) || IN(off, data_end) ||
            sk_fields || IN(off, tstamp) || IN(off, wire_len) || IN(off, hwtstamp))
            return deny(why, "not readable by socket filters");
        if (write && !IN(off, cb))
            return deny(why, "socket filters may write cb[] only");
        return 0;
    case K_CGROUP:
        if (IN(off, tc_classid) || IN(off, data_meta) || IN(off, wire_len))
            return deny(why, "not readable by cgroup_skb programs");
        if (write && !(IN(off, mark) || IN(off, priority) || IN(off, cb) || IN(off, tstamp)))
            return deny(why, "cgroup_skb programs may write mark, priority, cb[] and tstamp only");
        return 0;
    case K_LWT:
        if (IN(off, tc_classid) || sk_fields || IN(off, data_meta) || IN(off, tstamp) ||
            IN(off, wire_len) || IN(off, hwtstamp))
            return deny(why, "not readable by LWT programs");
        if (write && !(IN(off, mark) || IN(off, priority) || IN(off, cb)))
            return deny(why, "LWT programs may write mark, priority and cb[] only");
        return 0;
    }
    return 0;
}

/* bpf_skb_is_valid_access: sizes and alignment common to every type. */
static int size_check(enum ctx_kind k, uint32_t off, unsigned size, bool write, const char **why)
{
    if (off >= sizeof(struct __sk_buff))
        return deny(why, "outside struct __sk_buff");
    if (off % size)
        return deny(why, "misaligned");
    if (IN(off, cb)) {
        if (off + size > SKB_END(cb))
            return deny(why, "runs past cb[4]");
        return 0;
    }
    if (IN(off, remote_ip6) || IN(off, local_ip6) || IN(off, remote_ip4) ||
        IN(off, local_ip4) || IN(off, data) || IN(off, data_meta) || IN(off, data_end))
        return size == 4 ? 0 : deny(why, "this field is read with a 4-byte load");
    if (IN(off, flow_keys))
        return deny(why, "flow_keys is for flow dissectors");
    if (IN(off, hwtstamp))
        return !write && size == 8 ? 0 : deny(why, "hwtstamp is a read-only u64");
    if (IN(off, tstamp))
        return size == 8 ? 0 : deny(why, "tstamp is accessed with 8-byte loads and stores");
    if (off == SKB_OFF(sk))
        return !write && size == 8 ? 0 : deny(why, "sk is a read-only pointer (8-byte load)");
    if (off == SKB_OFF(tstamp_type))
        return k == K_TC ? 0 : deny(why, "tstamp_type is for tc programs");
    if (off > SKB_OFF(tstamp_type) && off < SKB_OFF(hwtstamp))
        return deny(why, "padding");
    if (write) {
        if (size != 4)
            return deny(why, "fields are written with 4-byte stores");
    } else if (size > 4) {
        return deny(why, "fields are read with loads of at most 4 bytes");
    }
    /* the rewrite needs a conversion for the enclosing 4-byte word:
     * the upper half of sk has none (the kernel's verifier fails the load) */
    if ((off & ~3u) == SKB_OFF(sk) + 4)
        return deny(why, "no such field");
    return 0;
}

/* A plain field's sk_buff value and width (the kernel's target size). */
static uint64_t field_value(struct helper_call_ctx *cc, uint32_t base, unsigned *tsize)
{
    const struct helper_skb *s = &cc->skb;
    *tsize = 4;
    switch (base) {
    case SKB_OFF(len):
        return (uint64_t)(cc->pkt.data_end - cc->pkt.data);
    case SKB_OFF(pkt_type):
        *tsize = 1;
        return s->pkt_type & 7;
    case SKB_OFF(mark):
        return s->mark;
    case SKB_OFF(queue_mapping):
        *tsize = 2;
        return s->queue_mapping & 0xffff;
    case SKB_OFF(protocol):
        *tsize = 2;
        return s->protocol & 0xffff;
    case SKB_OFF(vlan_present):
        return s->vlan_present ? 1 : 0;
    case SKB_OFF(vlan_tci):
        *tsize = 2;
        return s->vlan_tci & 0xffff;
    case SKB_OFF(vlan_proto):
        *tsize = 2;
        return s->vlan_proto & 0xffff;
    case SKB_OFF(priority):
        return s->priority;
    case SKB_OFF(ingress_ifindex):
        return s->ingress_ifindex;
    case SKB_OFF(ifindex):
        return s->ifindex;
    case SKB_OFF(tc_index):
        *tsize = 2;
        return s->tc_index & 0xffff;
    case SKB_OFF(hash):
        return s->hash;
    case SKB_OFF(tc_classid):
        *tsize = 2;
        return s->tc_classid & 0xffff;
    case SKB_OFF(napi_id):
        return s->napi_id;
    case SKB_OFF(family):
        *tsize = 2;
        return s->family & 0xffff;
    case SKB_OFF(remote_port):
        /* skc_dport (be16) shifted into the upper half */
        *tsize = 2;
        return (uint64_t)(s->remote_port & 0xffff) << 16;
    case SKB_OFF(local_port):
        *tsize = 2;
        return s->local_port & 0xffff;
    case SKB_OFF(wire_len):
        return s->wire_len;
    case SKB_OFF(gso_segs):
        *tsize = 2;
        return s->gso_segs & 0xffff;
    case SKB_OFF(gso_size):
        *tsize = 2;
        return s->gso_size & 0xffff;
    }
    *tsize = 0;
    return 0;
}

static int read_field(struct helper_call_ctx *cc, uint32_t off, unsigned size, uint64_t *value,
                      const char **why)
{
    /* the socket's fields (skb->sk, cgroup_skb's family .. local_port) */
    if (off == SKB_OFF(sk) || (off >= SKB_OFF(family) && off < SKB_END(local_port)))
        helper_sock_ready(cc);
    const struct helper_skb *s = &cc->skb;
    if (IN(off, cb)) {
        uint64_t v = 0;
        memcpy(&v, (const uint8_t *)s->cb + (off - SKB_OFF(cb)), size);
        *value = v;
        return 0;
    }
    switch (off) {
    case SKB_OFF(data):
        *value = (uintptr_t)cc->pkt.data;
        return 0;
    case SKB_OFF(data_end):
        *value = s->data_ptrs ? (uintptr_t)cc->pkt.data_end : 0;
        return 0;
    case SKB_OFF(data_meta):
        *value = s->data_ptrs ? (uintptr_t)cc->pkt.data_meta : 0;
        return 0;
    case SKB_OFF(remote_ip4):
        *value = s->remote_ip4;
        return 0;
    case SKB_OFF(local_ip4):
        *value = s->local_ip4;
        return 0;
    case SKB_OFF(tstamp):
        *value = s->tstamp;
        return 0;
    case SKB_OFF(hwtstamp):
        *value = s->hwtstamp;
        return 0;
    case SKB_OFF(sk):
        *value = cc->sk_present ? (uintptr_t)&cc->sk_view : 0;
        return 0;
    case SKB_OFF(tstamp_type):
        *value = s->tstamp_type;
        return 0;
    }
    if (IN(off, remote_ip6)) {
        *value = s->remote_ip6[(off - SKB_OFF(remote_ip6)) / 4];
        return 0;
    }
    if (IN(off, local_ip6)) {
        *value = s->local_ip6[(off - SKB_OFF(local_ip6)) / 4];
        return 0;
    }
    unsigned tsize;
    uint64_t v = field_value(cc, off & ~3u, &tsize);
    if (!tsize)
        return deny(why, "no such field");
    if (size < tsize) /* the verifier's narrow-load shift and mask */
        v = (v >> ((off & 3) * 8)) & ((1ull << (size * 8)) - 1);
    *value = v;
    return 0;
}

static int write_field(struct helper_call_ctx *cc, uint32_t off, unsigned size, uint64_t v,
                       const char **why)
{
    struct helper_skb *s = &cc->skb;
    if (IN(off, cb)) {
        memcpy((uint8_t *)s->cb + (off - SKB_OFF(cb)), &v, size);
        return 0;
    }
    switch (off) {
    case SKB_OFF(mark):
        s->mark = (uint32_t)v;
        return 0;
    case SKB_OFF(priority):
        s->priority = (uint32_t)v;
        return 0;
    case SKB_OFF(tc_index):
        s->tc_index = (uint16_t)v;
        return 0;
    case SKB_OFF(tc_classid):
        s->tc_classid = (uint16_t)v;
        return 0;
    case SKB_OFF(queue_mapping):
        if (v < 0xffff) /* NO_QUEUE_MAPPING and above are ignored */
            s->queue_mapping = (uint16_t)v;
        return 0;
    case SKB_OFF(tstamp):
        s->tstamp = v;
        return 0;
    }
    return deny(why, "not writable");
}

int helper_ctx_skb_access(struct vm_run *run, const struct vm_region *r, uint32_t off,
                          unsigned size, bool write, uint64_t *value, const char **why)
{
    struct helper_call_ctx *cc = helper_cc(run);
    enum ctx_kind k = kind_of(cc->prog_type);
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return deny(why, "bad access size");
    int rc = type_check(k, off, size, write, why);
    if (!rc)
        rc = size_check(k, off, size, write, why);
    if (rc)
        return rc;
    return write ? write_field(cc, off, size, *value, why) : read_field(cc, off, size, value, why);
}

bool helper_ctx_skb_direct(struct vm_run *run, const struct vm_region *r, uint32_t off,
                           unsigned size, const void **ptr, unsigned *width)
{
    struct helper_call_ctx *cc = helper_cc(run);
    const char *why;
    /* the packet pointers only, where the accessor would answer them */
    if (size != 4 || !cc->skb.data_ptrs || type_check(kind_of(cc->prog_type), off, size, false, &why))
        return false;
    *width = 8;
    switch (off) {
    case SKB_OFF(data): *ptr = &cc->pkt.data; return true;
    case SKB_OFF(data_end): *ptr = &cc->pkt.data_end; return true;
    case SKB_OFF(data_meta): *ptr = &cc->pkt.data_meta; return true;
    }
    return false;
}

#define CC_DELTA(member) \
    ((int32_t)offsetof(struct helper_call_ctx, member) - (int32_t)offsetof(struct helper_call_ctx, ctx_mem))

/* The packet pointers, where helper_ctx_skb_direct finds them: every test
 * run and session computes them (skb.data_ptrs) before the program starts,
 * and the verifier lets only the types that may read them load them. */
unsigned helper_ctx_skb_layout(struct vm_ctx_field *out)
{
    const struct vm_ctx_field f[] = {
        {SKB_OFF(data), 4, 8, CC_DELTA(pkt.data)},
        {SKB_OFF(data_end), 4, 8, CC_DELTA(pkt.data_end)},
        {SKB_OFF(data_meta), 4, 8, CC_DELTA(pkt.data_meta)},
    };
    memcpy(out, f, sizeof(f));
    return sizeof(f) / sizeof(f[0]);
}
