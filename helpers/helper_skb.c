/* helpers/helper_skb.c - the skb helpers of tc, socket-filter, cgroup_skb
 * and LWT programs, with net/core/filter.c's checks, error codes and header
 * bookkeeping (mac/network/transport header offsets, the hardware-accel
 * VLAN tag, GSO size, checksum state, the flow hash).
 *
 * The packet is linear: helper_pkt's buffer holds headroom, the bytes of
 * the skb and tailroom. Helpers that need more room reallocate it (as
 * skb_cow/pskb_expand_head do), so packet pointers a program kept across
 * such a call point into freed memory: the kernel's verifier rejects those
 * programs, checked mode faults on them. helper_pkt_sync_region keeps the
 * run's packet region on [data, data_end) after every change.
 *
 * Differences from the kernel, by design:
 *  - bpf_get_hash_recalc: the kernel's flow hash is keyed with a secret
 *    chosen at boot (siphash over struct flow_keys), so its values cannot be
 *    reproduced. bpfemu dissects the same fields (VLAN tags, IPv4/IPv6
 *    addresses, the L4 protocol, TCP/UDP/SCTP/DCCP/UDP-Lite ports or the
 *    IPv6 flow label, addresses and ports ordered as
 *    __flow_hash_consistentify does) and hashes them with Bob Jenkins'
 *    lookup3 (jhash2) and a zero seed: deterministic, symmetric, never 0,
 *    and, as in the kernel, cached in skb->hash until the packet changes
 *    protocol or a helper invalidates it.
 *  - bpf_fib_lookup answers from env->net (helpers_internal.h), not from a
 *    real routing table; without one it returns BPF_FIB_LKUP_RET_NOT_FWDED.
 *  - no tunnel metadata, no route (dst), no net_cls cgroup: get_tunnel_key
 *    fails with -EINVAL, get_route_realm and get_cgroup_classid return 0,
 *    as they do in a kernel test run.
 */
#include "helpers/helper_fns.h"

#include <linux/if_ether.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's internal "operation not supported" */
#endif
#ifndef BPF_F_IPV6
#define BPF_F_IPV6 (1ULL << 7)
#endif
#ifndef BPF_F_ADJ_ROOM_DECAP_L3_IPV4
#define BPF_F_ADJ_ROOM_DECAP_L3_IPV4 (1ULL << 7)
#define BPF_F_ADJ_ROOM_DECAP_L3_IPV6 (1ULL << 8)
#endif
#ifndef BPF_FIB_LOOKUP_SKIP_NEIGH
#define BPF_FIB_LOOKUP_SKIP_NEIGH (1U << 2)
#endif
#ifndef BPF_FIB_LOOKUP_TBID
#define BPF_FIB_LOOKUP_TBID (1U << 3)
#endif
#ifndef BPF_FIB_LOOKUP_SRC
#define BPF_FIB_LOOKUP_SRC (1U << 4)
#endif
#ifndef BPF_FIB_LOOKUP_MARK
#define BPF_FIB_LOOKUP_MARK (1U << 5)
#endif

#define SKB_MAX_LEN   16064u /* BPF_SKB_MAX_LEN: SKB_MAX_ALLOC with 4 KiB pages */
#define VLAN_HLEN     4u
#define CSUM_MANGLED_0 0xffffu

#define CHECKSUM_NONE        0
#define CHECKSUM_UNNECESSARY 1
#define CHECKSUM_COMPLETE    2
#define CHECKSUM_PARTIAL     3
#define SKB_MAX_CSUM_LEVEL   3

#define SKB_GSO_TCPV4      (1u << 0)
#define SKB_GSO_DODGY      (1u << 1)
#define SKB_GSO_TCPV6      (1u << 4)
#define SKB_GSO_GRE        (1u << 6)
#define SKB_GSO_IPXIP4     (1u << 8)
#define SKB_GSO_IPXIP6     (1u << 9)
#define SKB_GSO_UDP_TUNNEL (1u << 10)
#define SKB_GSO_UDP_L4     (1u << 17)
#define GSO_BY_FRAGS       0xffffu

#define ADJ_ROOM_ENCAP_L3_MASK (BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)
#define ADJ_ROOM_DECAP_L3_MASK (BPF_F_ADJ_ROOM_DECAP_L3_IPV4 | BPF_F_ADJ_ROOM_DECAP_L3_IPV6)
#define ADJ_ROOM_MASK                                                                      \
    (BPF_F_ADJ_ROOM_FIXED_GSO | ADJ_ROOM_ENCAP_L3_MASK | BPF_F_ADJ_ROOM_ENCAP_L4_GRE |     \
     BPF_F_ADJ_ROOM_ENCAP_L4_UDP | BPF_F_ADJ_ROOM_ENCAP_L2_ETH |                            \
     BPF_F_ADJ_ROOM_ENCAP_L2(BPF_ADJ_ROOM_ENCAP_L2_MASK) | ADJ_ROOM_DECAP_L3_MASK)

static inline uint16_t be16(uint16_t host) { return (uint16_t)((host >> 8) | (host << 8)); }
#define PROTO_IP   be16(ETH_P_IP)
#define PROTO_IPV6 be16(ETH_P_IPV6)

static inline long err(int e) { return -e; }

/* ------------------------------------------------------------ skb state */

static size_t skb_len(const struct helper_call_ctx *cc)
{
    return (size_t)(cc->pkt.data_end - cc->pkt.data);
}

static uint32_t data_off(const struct helper_call_ctx *cc)
{
    return (uint32_t)(cc->pkt.data - cc->pkt.hard_start);
}

static int network_offset(const struct helper_call_ctx *cc)
{
    return (int)cc->skb.network_header - (int)data_off(cc);
}

static uint32_t mac_header_len(const struct helper_call_ctx *cc)
{
    return cc->skb.network_header - cc->skb.mac_header;
}

static bool skb_is_gso(const struct helper_call_ctx *cc) { return cc->skb.gso_size != 0; }

static bool eth_type_vlan(uint16_t proto)
{
    return proto == be16(ETH_P_8021Q) || proto == be16(ETH_P_8021AD);
}

static void clear_hash(struct helper_skb *s)
{
    s->hash = 0;
    s->hash_valid = false;
    s->l4_hash = false;
}

static void reset_checksum_unnecessary(struct helper_skb *s)
{
    if (s->ip_summed == CHECKSUM_UNNECESSARY) {
        s->ip_summed = CHECKSUM_NONE;
        s->csum_level = 0;
    }
}

/* Make room for `head` bytes before data and `tail` after data_end, moving
 * the packet to a bigger buffer when needed (skb_cow_head, pskb_expand_head). */
static int skb_room(struct vm_run *run, size_t head, size_t tail)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_pkt *p = &cc->pkt;
    size_t cur_head = (size_t)(p->data - p->buf);
    size_t cur_tail = (size_t)(p->buf + p->buf_len - p->data_end);
    if (cur_head >= head && cur_tail >= tail)
        return 0;
    size_t new_head = (cur_head > head ? cur_head : head) + 256;
    size_t new_tail = (cur_tail > tail ? cur_tail : tail) + 256;
    size_t len = skb_len(cc), shift = new_head - cur_head;
    size_t total = new_head + len + new_tail;
    uint8_t *nb = calloc(1, total);
    if (!nb)
        return -ENOMEM;
    memcpy(nb + shift, p->buf, p->buf_len);
    size_t meta = (size_t)(p->data - p->data_meta);
    free(p->buf);
    p->buf = p->hard_start = nb;
    p->buf_len = total;
    p->hard_end = nb + total;
    p->data = nb + new_head;
    p->data_end = p->data + len;
    p->data_meta = p->data - meta;
    struct helper_skb *s = &cc->skb;
    uint32_t *hdrs[] = {&s->mac_header, &s->network_header, &s->transport_header};
    for (size_t i = 0; i < 3; i++)
        if (*hdrs[i] != HELPER_SKB_UNSET)
            *hdrs[i] += (uint32_t)shift;
    helper_pkt_sync_region(run);
    return 0;
}

/* skb_push / skb_pull / set length, keeping data_meta at data. */
static void skb_move_data(struct vm_run *run, ptrdiff_t delta)
{
    struct helper_pkt *p = &helper_cc(run)->pkt;
    p->data += delta;
    p->data_meta = p->data;
    helper_pkt_sync_region(run);
}

static void skb_set_len(struct vm_run *run, size_t len)
{
    struct helper_pkt *p = &helper_cc(run)->pkt;
    p->data_end = p->data + len;
    helper_pkt_sync_region(run);
}

/* ----------------------------------------------------- checksum helpers */

static uint32_t csum_add(uint32_t a, uint32_t b)
{
    uint32_t s = a + b;
    return s + (s < b);
}

static uint32_t csum_sub(uint32_t a, uint32_t b) { return csum_add(a, ~b); }

static uint16_t csum16_add(uint16_t csum, uint16_t addend)
{
    uint16_t res = (uint16_t)(csum + addend);
    return (uint16_t)(res + (res < addend));
}

static uint16_t csum16_sub(uint16_t csum, uint16_t addend)
{
    return csum16_add(csum, (uint16_t)~addend);
}

static uint16_t ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

static void st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

/* csum_replace4 / csum_replace2 / csum_replace_by_diff on a __sum16 in memory */
static void csum_replace4(uint8_t *sum, uint32_t from, uint32_t to)
{
    uint32_t tmp = csum_sub(~(uint32_t)ld16(sum), from);
    st16(sum, helper_csum_fold(csum_add(tmp, to)));
}

static void csum_replace2(uint8_t *sum, uint16_t from, uint16_t to)
{
    st16(sum, (uint16_t)~csum16_add(csum16_sub((uint16_t)~ld16(sum), from), to));
}

static void csum_replace_by_diff(uint8_t *sum, uint32_t diff)
{
    st16(sum, helper_csum_fold(csum_add(diff, ~(uint32_t)ld16(sum))));
}

/* csum_block_add/sub with the byte rotation for odd offsets */
static uint32_t csum_block_add(uint32_t csum, uint32_t csum2, uint32_t offset)
{
    if (offset & 1)
        csum2 = (csum2 >> 8) | (csum2 << 24);
    return csum_add(csum, csum2);
}

/* ---------------------------------------------------------- load, store */

HELPER_FN(skb_load_bytes)
{
    struct helper_call_ctx *cc = helper_cc(run);
    uint32_t off = (uint32_t)r2, len = (uint32_t)r4;
    if (!helper_arg_mem(run, r3, len, true, "to"))
        return 0;
    uint8_t *to = (uint8_t *)(uintptr_t)r3;
    if (off > INT_MAX || (uint64_t)off + len > skb_len(cc)) {
        if (len)
            memset(to, 0, len);
        return (uint64_t)err(EFAULT);
    }
    if (len)
        memcpy(to, cc->pkt.data + off, len);
    return 0;
}

HELPER_FN(skb_load_bytes_relative)
{
    struct helper_call_ctx *cc = helper_cc(run);
    uint32_t off = (uint32_t)r2, len = (uint32_t)r4, hdr = (uint32_t)r5;
    if (!helper_arg_mem(run, r3, len, true, "to"))
        return 0;
    uint8_t *to = (uint8_t *)(uintptr_t)r3;
    uint32_t start = HELPER_SKB_UNSET;
    if (off <= 0xffff) {
        if (hdr == BPF_HDR_START_MAC)
            start = cc->skb.mac_header;
        else if (hdr == BPF_HDR_START_NET)
            start = cc->skb.network_header;
    }
    uint64_t end = (uint64_t)(cc->pkt.data_end - cc->pkt.hard_start);
    if (start == HELPER_SKB_UNSET || (uint64_t)start + off + len > end) {
        if (len)
            memset(to, 0, len);
        return (uint64_t)err(EFAULT);
    }
    if (len)
        memcpy(to, cc->pkt.hard_start + start + off, len);
    return 0;
}

HELPER_FN(skb_store_bytes)
{
    struct helper_call_ctx *cc = helper_cc(run);
    uint32_t off = (uint32_t)r2, len = (uint32_t)r4;
    uint64_t flags = r5;
    if (!helper_arg_mem(run, r3, len, false, "from"))
        return 0;
    if (flags & ~(uint64_t)(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH))
        return (uint64_t)err(EINVAL);
    if (off > INT_MAX || (uint64_t)off + len > skb_len(cc))
        return (uint64_t)err(EFAULT);
    uint8_t *ptr = cc->pkt.data + off;
    struct helper_skb *s = &cc->skb;
    bool rcsum = (flags & BPF_F_RECOMPUTE_CSUM) && s->ip_summed == CHECKSUM_COMPLETE;
    if (rcsum)
        s->csum = csum_block_add(s->csum, ~helper_csum_partial(ptr, len, 0), off);
    memmove(ptr, (const void *)(uintptr_t)r3, len);
    if (rcsum)
        s->csum = csum_block_add(s->csum, helper_csum_partial(ptr, len, 0), off);
    if (flags & BPF_F_INVALIDATE_HASH)
        clear_hash(s);
    return 0;
}

HELPER_FN(skb_pull_data)
{
    /* the packet is linear: only the bounds check remains */
    struct helper_call_ctx *cc = helper_cc(run);
    uint32_t len = (uint32_t)r2;
    if (len && len > skb_len(cc))
        return (uint64_t)err(ENOMEM);
    return 0;
}

/* ------------------------------------------------------------ checksums */

HELPER_FN(l3_csum_replace)
{
    struct helper_call_ctx *cc = helper_cc(run);
    uint32_t off = (uint32_t)r2;
    uint64_t from = r3, to = r4, flags = r5;
    if (flags & ~(uint64_t)BPF_F_HDR_FIELD_MASK)
        return (uint64_t)err(EINVAL);
    if (off > 0xffff || (off & 1) || off + 2 > skb_len(cc))
        return (uint64_t)err(EFAULT);
    uint8_t *ptr = cc->pkt.data + off;
    switch (flags & BPF_F_HDR_FIELD_MASK) {
    case 0:
        if (from)
            return (uint64_t)err(EINVAL);
        csum_replace_by_diff(ptr, (uint32_t)to);
        break;
    case 2:
        csum_replace2(ptr, (uint16_t)from, (uint16_t)to);
        break;
    case 4:
        csum_replace4(ptr, (uint32_t)from, (uint32_t)to);
        break;
    default:
        return (uint64_t)err(EINVAL);
    }
    return 0;
}

/* inet_proto_csum_replace4 / _by_diff: the L4 checksum, and skb->csum for
 * CHECKSUM_COMPLETE when the pseudo header changes. */
static void proto_csum_replace4(struct helper_skb *s, uint8_t *sum, uint32_t from, uint32_t to,
                                bool pseudo)
{
    if (s->ip_summed != CHECKSUM_PARTIAL) {
        csum_replace4(sum, from, to);
        if (s->ip_summed == CHECKSUM_COMPLETE && pseudo)
            s->csum = ~csum_add(csum_sub(~s->csum, from), to);
    } else if (pseudo) {
        st16(sum, (uint16_t)~helper_csum_fold(csum_add(csum_sub(ld16(sum), from), to)));
    }
}

static void proto_csum_replace_by_diff(struct helper_skb *s, uint8_t *sum, uint32_t diff,
                                       bool pseudo, bool ipv6)
{
    if (s->ip_summed != CHECKSUM_PARTIAL) {
        csum_replace_by_diff(sum, diff);
        if (s->ip_summed == CHECKSUM_COMPLETE && pseudo && !ipv6)
            s->csum = ~csum_sub(diff, s->csum);
    } else if (pseudo) {
        st16(sum, (uint16_t)~helper_csum_fold(csum_add(diff, ld16(sum))));
    }
}

HELPER_FN(l4_csum_replace)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    uint32_t off = (uint32_t)r2;
    uint64_t from = r3, to = r4, flags = r5;
    bool pseudo = flags & BPF_F_PSEUDO_HDR, mmzero = flags & BPF_F_MARK_MANGLED_0,
         mforce = flags & BPF_F_MARK_ENFORCE, ipv6 = flags & BPF_F_IPV6;
    if (flags & ~(uint64_t)(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR |
                            BPF_F_HDR_FIELD_MASK | BPF_F_IPV6))
        return (uint64_t)err(EINVAL);
    if (off > 0xffff || (off & 1) || off + 2 > skb_len(cc))
        return (uint64_t)err(EFAULT);
    uint8_t *ptr = cc->pkt.data + off;
    if (mmzero && !mforce && !ld16(ptr))
        return 0;
    switch (flags & BPF_F_HDR_FIELD_MASK) {
    case 0:
        if (from)
            return (uint64_t)err(EINVAL);
        proto_csum_replace_by_diff(s, ptr, (uint32_t)to, pseudo, ipv6);
        break;
    case 2: /* inet_proto_csum_replace2 widens to the 4-byte variant */
        proto_csum_replace4(s, ptr, (uint16_t)from, (uint16_t)to, pseudo);
        break;
    case 4:
        proto_csum_replace4(s, ptr, (uint32_t)from, (uint32_t)to, pseudo);
        break;
    default:
        return (uint64_t)err(EINVAL);
    }
    if (mmzero && !ld16(ptr))
        st16(ptr, CSUM_MANGLED_0);
    return 0;
}

HELPER_FN(csum_update)
{
    struct helper_skb *s = &helper_cc(run)->skb;
    if (s->ip_summed == CHECKSUM_COMPLETE)
        return s->csum = csum_add(s->csum, (uint32_t)r2);
    return (uint64_t)err(ENOTSUPP);
}

HELPER_FN(csum_level)
{
    struct helper_skb *s = &helper_cc(run)->skb;
    switch (r2) {
    case BPF_CSUM_LEVEL_INC:
        if (s->ip_summed == CHECKSUM_UNNECESSARY) {
            if (s->csum_level < SKB_MAX_CSUM_LEVEL)
                s->csum_level++;
        } else if (s->ip_summed == CHECKSUM_NONE) {
            s->ip_summed = CHECKSUM_UNNECESSARY;
            s->csum_level = 0;
        }
        return 0;
    case BPF_CSUM_LEVEL_DEC:
        if (s->ip_summed == CHECKSUM_UNNECESSARY) {
            if (s->csum_level == 0)
                s->ip_summed = CHECKSUM_NONE;
            else
                s->csum_level--;
        }
        return 0;
    case BPF_CSUM_LEVEL_RESET:
        reset_checksum_unnecessary(s);
        return 0;
    case BPF_CSUM_LEVEL_QUERY:
        return s->ip_summed == CHECKSUM_UNNECESSARY ? s->csum_level : (uint64_t)err(EACCES);
    }
    return (uint64_t)err(EINVAL);
}

/* -------------------------------------------------------- head and tail */

HELPER_FN(skb_change_tail)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    uint32_t new_len = (uint32_t)r2;
    /* __bpf_skb_min_len: the transport header when set, else the network header */
    uint32_t min_len = (uint32_t)network_offset(cc);
    if (s->transport_header != HELPER_SKB_UNSET)
        min_len = (uint32_t)((int)s->transport_header - (int)data_off(cc));
    if (r3 || new_len > SKB_MAX_LEN || new_len < min_len)
        return (uint64_t)err(EINVAL);
    if (s->encapsulation)
        return (uint64_t)err(ENOTSUPP);
    size_t len = skb_len(cc);
    if (new_len > len) {
        if (skb_room(run, 0, new_len - len))
            return (uint64_t)err(ENOMEM);
        memset(cc->pkt.data_end, 0, new_len - len);
    }
    skb_set_len(run, new_len);
    if (skb_is_gso(cc)) /* skb_gso_reset */
        s->gso_size = s->gso_segs = s->gso_type = 0;
    return 0;
}

HELPER_FN(skb_change_head)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    uint32_t room = (uint32_t)r2, len = (uint32_t)skb_len(cc);
    uint32_t new_len = len + room;
    if (r3 || (!skb_is_gso(cc) && new_len > SKB_MAX_LEN) || new_len < len)
        return (uint64_t)err(EINVAL);
    if (skb_room(run, room, 0))
        return (uint64_t)err(ENOMEM);
    skb_move_data(run, -(ptrdiff_t)room);
    memset(cc->pkt.data, 0, room);
    s->mac_header = data_off(cc);
    s->mac_len = s->network_header - s->mac_header;
    return 0;
}

/* bpf_skb_generic_push + the header moves of bpf_skb_net_hdr_push: `len`
 * zero bytes inserted `off` bytes into the packet. */
static int net_hdr_push(struct vm_run *run, uint32_t off, uint32_t len)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    bool trans_same = s->transport_header == s->network_header;
    /* `off` may exceed a trimmed packet: the kernel then moves tailroom
     * bytes too; keep them inside the buffer */
    if (skb_room(run, len, off))
        return -ENOMEM;
    skb_move_data(run, -(ptrdiff_t)len);
    uint8_t *d = cc->pkt.data;
    memmove(d, d + len, off);
    memset(d + off, 0, len);
    s->mac_header -= len;
    s->network_header -= len;
    if (trans_same)
        s->transport_header = s->network_header;
    return 0;
}

/* bpf_skb_generic_pop + bpf_skb_net_hdr_pop: `len` bytes removed `off`
 * bytes into the packet. */
static int net_hdr_pop(struct vm_run *run, uint32_t off, uint32_t len)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    bool trans_same = s->transport_header == s->network_header;
    if ((uint64_t)off + len > skb_len(cc))
        return -ENOMEM;
    if (s->ip_summed == CHECKSUM_COMPLETE)
        s->csum = csum_sub(s->csum, helper_csum_partial(cc->pkt.data + off, len, 0));
    uint8_t *d = cc->pkt.data;
    memmove(d + len, d, off);
    skb_move_data(run, (ptrdiff_t)len);
    s->mac_header += len;
    s->network_header += len;
    if (trans_same)
        s->transport_header = s->network_header;
    return 0;
}

HELPER_FN(skb_change_proto)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    uint16_t to = (uint16_t)r2;
    const uint32_t diff = 40 - 20; /* ipv6hdr - iphdr */
    if (r3)
        return (uint64_t)err(EINVAL);
    int rc;
    if (s->protocol == PROTO_IP && to == PROTO_IPV6) {
        rc = net_hdr_push(run, mac_header_len(cc), diff);
        if (rc)
            return (uint64_t)(int64_t)rc;
        if (skb_is_gso(cc) && (s->gso_type & SKB_GSO_TCPV4))
            s->gso_type = (s->gso_type & ~SKB_GSO_TCPV4) | SKB_GSO_TCPV6;
        s->protocol = PROTO_IPV6;
    } else if (s->protocol == PROTO_IPV6 && to == PROTO_IP) {
        rc = net_hdr_pop(run, mac_header_len(cc), diff);
        if (rc)
            return (uint64_t)(int64_t)rc;
        if (skb_is_gso(cc) && (s->gso_type & SKB_GSO_TCPV6))
            s->gso_type = (s->gso_type & ~SKB_GSO_TCPV6) | SKB_GSO_TCPV4;
        s->protocol = PROTO_IP;
    } else {
        return (uint64_t)err(ENOTSUPP);
    }
    clear_hash(s);
    return 0;
}

HELPER_FN(skb_change_type)
{
    struct helper_skb *s = &helper_cc(run)->skb;
    /* skb_pkt_type_ok: host, broadcast, multicast, otherhost */
    if (s->pkt_type > 3 || (uint32_t)r2 > 3)
        return (uint64_t)err(EINVAL);
    s->pkt_type = (uint32_t)r2;
    return 0;
}

static bool gso_tcp(const struct helper_skb *s)
{
    return s->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6);
}

static int net_grow(struct vm_run *run, uint32_t off, uint32_t len_diff, uint64_t flags)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    uint8_t inner_mac_len = (uint8_t)(flags >> BPF_ADJ_ROOM_ENCAP_L2_SHIFT);
    bool encap = flags & ADJ_ROOM_ENCAP_L3_MASK;
    uint32_t mac_len = 0, gso_type = SKB_GSO_DODGY;
    if (skb_is_gso(cc) && !gso_tcp(s) &&
        (!(s->gso_type & SKB_GSO_UDP_L4) || !(flags & BPF_F_ADJ_ROOM_FIXED_GSO)))
        return -ENOTSUPP;
    if (encap) {
        if (s->protocol != PROTO_IP && s->protocol != PROTO_IPV6)
            return -ENOTSUPP;
        if ((flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV4) && (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6))
            return -EINVAL;
        if ((flags & BPF_F_ADJ_ROOM_ENCAP_L4_GRE) && (flags & BPF_F_ADJ_ROOM_ENCAP_L4_UDP))
            return -EINVAL;
        if ((flags & BPF_F_ADJ_ROOM_ENCAP_L2_ETH) && inner_mac_len < ETH_HLEN)
            return -EINVAL;
        if (s->encapsulation)
            return -EALREADY;
        mac_len = s->network_header - s->mac_header;
        if (inner_mac_len > len_diff)
            return -EINVAL;
    }
    /* 6.18 (-fc-v1300, probed: the flag checks above come first): room
     * after the end of the packet - a NET-mode offset past a trimmed
     * packet - is refused as a failed pskb_may_pull(skb, off) would be,
     * instead of moving the stale bytes behind the tail */
    if (off > (uint32_t)skb_len(cc))
        return -ENOMEM;
    int rc = net_hdr_push(run, off, len_diff);
    if (rc)
        return rc;
    if (encap) {
        s->encapsulation = true;
        s->network_header = data_off(cc) + mac_len;
        if (flags & BPF_F_ADJ_ROOM_ENCAP_L4_UDP)
            gso_type |= SKB_GSO_UDP_TUNNEL;
        else if (flags & BPF_F_ADJ_ROOM_ENCAP_L4_GRE)
            gso_type |= SKB_GSO_GRE;
        else if (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)
            gso_type |= SKB_GSO_IPXIP6;
        else
            gso_type |= SKB_GSO_IPXIP4;
        if (flags & (BPF_F_ADJ_ROOM_ENCAP_L4_GRE | BPF_F_ADJ_ROOM_ENCAP_L4_UDP))
            s->transport_header = data_off(cc) + mac_len +
                                  ((flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) ? 40 : 20);
        if (s->protocol == PROTO_IP && (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6))
            s->protocol = PROTO_IPV6;
        else if (s->protocol == PROTO_IPV6 && (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV4))
            s->protocol = PROTO_IP;
    }
    if (skb_is_gso(cc)) {
        if (!(flags & BPF_F_ADJ_ROOM_FIXED_GSO) && s->gso_size != GSO_BY_FRAGS)
            s->gso_size -= len_diff;
        s->gso_type |= gso_type;
        s->gso_segs = 0;
    }
    return 0;
}

static int net_shrink(struct vm_run *run, uint32_t off, uint32_t len_diff, uint64_t flags)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    if (flags & ~(uint64_t)(BPF_F_ADJ_ROOM_FIXED_GSO | ADJ_ROOM_DECAP_L3_MASK |
                            BPF_F_ADJ_ROOM_NO_CSUM_RESET))
        return -EINVAL;
    if (skb_is_gso(cc) && !gso_tcp(s) &&
        (!(s->gso_type & SKB_GSO_UDP_L4) || !(flags & BPF_F_ADJ_ROOM_FIXED_GSO)))
        return -ENOTSUPP;
    int rc = net_hdr_pop(run, off, len_diff);
    if (rc)
        return rc;
    if (flags & ADJ_ROOM_DECAP_L3_MASK) {
        if (s->protocol == PROTO_IP && (flags & BPF_F_ADJ_ROOM_DECAP_L3_IPV6))
            s->protocol = PROTO_IPV6;
        else if (s->protocol == PROTO_IPV6 && (flags & BPF_F_ADJ_ROOM_DECAP_L3_IPV4))
            s->protocol = PROTO_IP;
    }
    if (skb_is_gso(cc)) {
        if (!(flags & BPF_F_ADJ_ROOM_FIXED_GSO) && s->gso_size != GSO_BY_FRAGS)
            s->gso_size += len_diff;
        s->gso_type |= SKB_GSO_DODGY;
        s->gso_segs = 0;
    }
    return 0;
}

static uint32_t net_base_len(uint16_t proto)
{
    return proto == PROTO_IP ? 20 : proto == PROTO_IPV6 ? 40 : ~0u;
}

HELPER_FN(skb_adjust_room)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    int32_t len_diff = (int32_t)r2;
    uint32_t mode = (uint32_t)r3;
    uint64_t flags = r4;
    uint32_t abs_diff = len_diff < 0 ? 0u - (uint32_t)len_diff : (uint32_t)len_diff;
    uint32_t len_min = net_base_len(s->protocol);
    bool shrink = len_diff < 0;
    if (flags & ~(uint64_t)(ADJ_ROOM_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET))
        return (uint64_t)err(EINVAL);
    if (abs_diff > 0xfff)
        return (uint64_t)err(EFAULT);
    if (s->protocol != PROTO_IP && s->protocol != PROTO_IPV6)
        return (uint64_t)err(ENOTSUPP);
    uint32_t off = mac_header_len(cc);
    if (mode == BPF_ADJ_ROOM_NET)
        off += net_base_len(s->protocol);
    else if (mode != BPF_ADJ_ROOM_MAC)
        return (uint64_t)err(ENOTSUPP);
    if (flags & ADJ_ROOM_DECAP_L3_MASK) {
        if (!shrink)
            return (uint64_t)err(EINVAL);
        switch (flags & ADJ_ROOM_DECAP_L3_MASK) {
        case BPF_F_ADJ_ROOM_DECAP_L3_IPV4:
            len_min = 20;
            break;
        case BPF_F_ADJ_ROOM_DECAP_L3_IPV6:
            len_min = 40;
            break;
        default:
            return (uint64_t)err(EINVAL);
        }
    }
    uint32_t len = (uint32_t)skb_len(cc);
    uint32_t len_cur = len - (uint32_t)network_offset(cc);
    if ((shrink && (abs_diff >= len_cur || len_cur - abs_diff < len_min)) ||
        (!shrink && len + abs_diff > SKB_MAX_LEN && !skb_is_gso(cc)))
        return (uint64_t)err(ENOTSUPP);
    int rc = shrink ? net_shrink(run, off, abs_diff, flags) : net_grow(run, off, abs_diff, flags);
    if (!rc && !(flags & BPF_F_ADJ_ROOM_NO_CSUM_RESET))
        reset_checksum_unnecessary(s);
    return (uint64_t)(int64_t)rc;
}

/* ----------------------------------------------------------------- VLAN */

/* __vlan_insert_tag: the hw-accel tag goes into the packet after the MACs. */
static int vlan_insert_tag(struct vm_run *run, uint16_t proto, uint16_t tci)
{
    struct helper_call_ctx *cc = helper_cc(run);
    if (skb_room(run, VLAN_HLEN, 0))
        return -ENOMEM;
    skb_move_data(run, -(ptrdiff_t)VLAN_HLEN);
    uint8_t *d = cc->pkt.data;
    memmove(d, d + VLAN_HLEN, 2 * ETH_ALEN);
    if (cc->skb.mac_header != HELPER_SKB_UNSET)
        cc->skb.mac_header -= VLAN_HLEN;
    st16(d + 12, proto);
    st16(d + 14, be16(tci));
    if (cc->skb.ip_summed == CHECKSUM_COMPLETE) /* skb_postpush_rcsum */
        cc->skb.csum = csum_add(cc->skb.csum, helper_csum_partial(d + 2 * ETH_ALEN, VLAN_HLEN, 0));
    return 0;
}

HELPER_FN(skb_vlan_push)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    uint16_t proto = (uint16_t)r2, tci = (uint16_t)r3;
    if (!eth_type_vlan(proto))
        proto = be16(ETH_P_8021Q);
    if (s->vlan_present) {
        if (data_off(cc) != s->mac_header)
            return (uint64_t)err(EINVAL);
        int rc = vlan_insert_tag(run, (uint16_t)s->vlan_proto, (uint16_t)s->vlan_tci);
        if (rc)
            return (uint64_t)(int64_t)rc;
        s->protocol = s->vlan_proto;
        s->mac_len += VLAN_HLEN;
    }
    s->vlan_proto = proto;
    s->vlan_tci = tci;
    s->vlan_present = 1;
    return 0;
}

/* __skb_vlan_pop: the tag after the MACs leaves the packet. */
static int vlan_pop_tag(struct vm_run *run, uint16_t *tci)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    if (data_off(cc) != s->mac_header)
        return -EINVAL;
    if (skb_len(cc) < ETH_HLEN + VLAN_HLEN)
        return -ENOMEM;
    if (s->ip_summed == CHECKSUM_COMPLETE)
        s->csum = csum_sub(s->csum, helper_csum_partial(cc->pkt.data + 2 * ETH_ALEN, VLAN_HLEN, 0));
    uint8_t *d = cc->pkt.data;
    *tci = be16(ld16(d + ETH_HLEN));
    uint16_t inner = ld16(d + ETH_HLEN + 2);
    memmove(d + VLAN_HLEN, d, 2 * ETH_ALEN);
    if (be16(inner) >= ETH_P_802_3_MIN) {
        s->protocol = inner;
    } else {
        /* vlan_set_encap_proto: Novell raw 802.3 or 802.2 LLC */
        const uint8_t *raw = d + ETH_HLEN + VLAN_HLEN;
        bool ffff = raw + 2 <= cc->pkt.buf + cc->pkt.buf_len && ld16(raw) == 0xffff;
        s->protocol = be16(ffff ? ETH_P_802_3 : ETH_P_802_2);
    }
    skb_move_data(run, VLAN_HLEN);
    s->mac_header += VLAN_HLEN;
    if (network_offset(cc) < (int)ETH_HLEN)
        s->network_header = data_off(cc) + ETH_HLEN;
    s->mac_len = s->network_header - s->mac_header;
    return 0;
}

HELPER_FN(skb_vlan_pop)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    uint16_t tci;
    int rc;
    if (s->vlan_present) {
        s->vlan_present = 0;
        s->vlan_tci = 0;
        s->vlan_proto = 0;
    } else {
        if (!eth_type_vlan((uint16_t)s->protocol))
            return 0;
        if ((rc = vlan_pop_tag(run, &tci)))
            return (uint64_t)(int64_t)rc;
    }
    /* the next tag moves into the hw-accel slot */
    if (!eth_type_vlan((uint16_t)s->protocol))
        return 0;
    uint16_t proto = (uint16_t)s->protocol;
    if ((rc = vlan_pop_tag(run, &tci)))
        return (uint64_t)(int64_t)rc;
    s->vlan_proto = proto;
    s->vlan_tci = tci;
    s->vlan_present = 1;
    return 0;
}

/* ----------------------------------------------------------------- hash */

static uint32_t rol32(uint32_t w, unsigned s) { return (w << s) | (w >> (32 - s)); }

/* lookup3's jhash2 over 32-bit words */
static uint32_t jhash2(const uint32_t *k, uint32_t n, uint32_t initval)
{
    uint32_t a, b, c;
    a = b = c = 0xdeadbeef + (n << 2) + initval;
    while (n > 3) {
        a += k[0];
        b += k[1];
        c += k[2];
        a -= c; a ^= rol32(c, 4);  c += b;
        b -= a; b ^= rol32(a, 6);  a += c;
        c -= b; c ^= rol32(b, 8);  b += a;
        a -= c; a ^= rol32(c, 16); c += b;
        b -= a; b ^= rol32(a, 19); a += c;
        c -= b; c ^= rol32(b, 4);  b += a;
        n -= 3;
        k += 3;
    }
    switch (n) {
    case 3: c += k[2]; /* fall through */
    case 2: b += k[1]; /* fall through */
    case 1:
        a += k[0];
        c ^= b; c -= rol32(b, 14);
        a ^= c; a -= rol32(c, 11);
        b ^= a; b -= rol32(a, 25);
        c ^= b; c -= rol32(b, 16);
        a ^= c; a -= rol32(c, 4);
        b ^= a; b -= rol32(a, 14);
        c ^= b; c -= rol32(b, 24);
        break;
    }
    return c;
}

/* The fields __skb_get_hash's flow dissection keys on. */
struct flow_tuple {
    uint32_t vlan;        /* outermost VLAN id */
    uint32_t proto;       /* n_proto << 16 | ip_proto */
    uint32_t label;       /* IPv6 flow label (then no ports) */
    uint16_t sport, dport;
    uint32_t src[4], dst[4];
};

static void dissect(const struct helper_call_ctx *cc, struct flow_tuple *t)
{
    const uint8_t *p = cc->pkt.data, *end = cc->pkt.data_end;
    const struct helper_skb *s = &cc->skb;
    memset(t, 0, sizeof(*t));
    int off = network_offset(cc);
    uint16_t proto = be16((uint16_t)s->protocol);
    if (s->vlan_present)
        t->vlan = s->vlan_tci & 0xfff;
    if (off < 0)
        return;
    while ((proto == ETH_P_8021Q || proto == ETH_P_8021AD) && p + off + 4 <= end) {
        if (!t->vlan)
            t->vlan = be16(ld16(p + off)) & 0xfff;
        proto = be16(ld16(p + off + 2));
        off += 4;
    }
    t->proto = (uint32_t)proto << 16;
    uint8_t ip_proto;
    bool may_have_ports;
    int l4;
    if (proto == ETH_P_IP && p + off + 20 <= end) {
        const uint8_t *ip = p + off;
        unsigned ihl = (ip[0] & 15) * 4u;
        if (ihl < 20)
            return;
        memcpy(&t->src[0], ip + 12, 4);
        memcpy(&t->dst[0], ip + 16, 4);
        ip_proto = ip[9];
        may_have_ports = !(be16(ld16(ip + 6)) & 0x3fff); /* not a fragment */
        l4 = off + (int)ihl;
    } else if (proto == ETH_P_IPV6 && p + off + 40 <= end) {
        const uint8_t *ip = p + off;
        memcpy(t->src, ip + 8, 16);
        memcpy(t->dst, ip + 24, 16);
        ip_proto = ip[6];
        /* FLOW_DISSECTOR_F_STOP_AT_FLOW_LABEL */
        t->label = ((uint32_t)(ip[1] & 15) << 16) | ((uint32_t)ip[2] << 8) | ip[3];
        may_have_ports = !t->label;
        l4 = off + 40;
    } else {
        return;
    }
    t->proto |= ip_proto;
    if (may_have_ports && (ip_proto == 6 || ip_proto == 17 || ip_proto == 33 || ip_proto == 132 ||
                           ip_proto == 136) && p + l4 + 4 <= end) {
        t->sport = ld16(p + l4);
        t->dport = ld16(p + l4 + 2);
    }
}

static uint32_t flow_hash(const struct helper_call_ctx *cc, bool *l4)
{
    struct flow_tuple t;
    dissect(cc, &t);
    *l4 = t.sport || t.dport || t.label; /* flow_keys_have_l4 */
    /* __flow_hash_consistentify: the lower address (then port) first */
    int cmp = memcmp(t.dst, t.src, sizeof(t.src));
    if (cmp < 0 || (cmp == 0 && t.dport < t.sport)) {
        uint32_t tmp[4];
        memcpy(tmp, t.src, sizeof(tmp));
        memcpy(t.src, t.dst, sizeof(tmp));
        memcpy(t.dst, tmp, sizeof(tmp));
        uint16_t port = t.sport;
        t.sport = t.dport;
        t.dport = port;
    }
    uint32_t words[sizeof(t) / 4];
    memcpy(words, &t, sizeof(t));
    uint32_t h = jhash2(words, sizeof(t) / 4, 0);
    return h ? h : 1;
}

HELPER_FN(get_hash_recalc)
{
    struct helper_call_ctx *cc = helper_cc(run);
    struct helper_skb *s = &cc->skb;
    if (!s->hash_valid && !s->l4_hash) {
        bool l4;
        s->hash = flow_hash(cc, &l4);
        s->hash_valid = true;
        s->l4_hash = l4;
    }
    return s->hash;
}

HELPER_FN(set_hash)
{
    struct helper_skb *s = &helper_cc(run)->skb;
    s->hash = (uint32_t)r2;
    s->hash_valid = true;
    s->l4_hash = true;
    return 0;
}

HELPER_FN(set_hash_invalid)
{
    clear_hash(&helper_cc(run)->skb);
    return 0;
}

/* ------------------------------------------------------- the rest of it */

HELPER_FN(get_cgroup_classid) { return 0; }

HELPER_FN(get_route_realm) { return 0; }

/* No tunnel metadata on a test-run skb: -EINVAL and a zeroed key. */
HELPER_FN(skb_get_tunnel_key)
{
    uint32_t size = (uint32_t)r3;
    if (!helper_arg_mem(run, r2, size, true, "key"))
        return 0;
    if (size)
        memset((void *)(uintptr_t)r2, 0, size);
    return (uint64_t)err(EINVAL);
}

/* -------------------------------------------------------------- routing */

void helper_env_set_net(struct helper_env *env, const struct helper_net *net) { env->net = net; }

const struct helper_net_dev *helper_net_dev(const struct helper_env *env, uint32_t ifindex)
{
    const struct helper_net *n = env->net;
    for (uint32_t i = 0; n && i < n->n_devs; i++)
        if (n->devs[i].ifindex == ifindex)
            return &n->devs[i];
    return NULL;
}

static bool prefix_match(const uint8_t *a, const uint8_t *prefix, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a, prefix, full))
        return false;
    return !rest || ((a[full] ^ prefix[full]) & (0xff00u >> rest)) == 0;
}

static const struct helper_net_route *route_lookup(const struct helper_net *n, uint8_t family,
                                                   const uint8_t *dst)
{
    const struct helper_net_route *best = NULL;
    for (uint32_t i = 0; i < n->n_routes; i++) {
        const struct helper_net_route *r = &n->routes[i];
        if (r->family != family || r->prefix_len > (family == AF_INET ? 32 : 128) ||
            !prefix_match(dst, r->dst, r->prefix_len))
            continue;
        if (!best || r->prefix_len > best->prefix_len ||
            (r->prefix_len == best->prefix_len && r->metric < best->metric))
            best = r;
    }
    return best;
}

static const struct helper_net_neigh *neigh_lookup(const struct helper_net *n, uint8_t family,
                                                   const uint8_t *addr, uint32_t ifindex)
{
    for (uint32_t i = 0; i < n->n_neighs; i++)
        if (n->neighs[i].family == family && n->neighs[i].ifindex == ifindex &&
            !memcmp(n->neighs[i].addr, addr, family == AF_INET ? 4 : 16))
            return &n->neighs[i];
    return NULL;
}

static long fib_lookup_table(const struct helper_net *n, struct bpf_fib_lookup *pr, uint32_t flags,
                             bool check_mtu)
{
    uint8_t family = pr->family;
    uint8_t *dst = family == AF_INET ? (uint8_t *)&pr->ipv4_dst : (uint8_t *)pr->ipv6_dst;
    if (family == AF_INET6) { /* link-local (and multicast/loopback) is never forwarded */
        const uint8_t *src = (const uint8_t *)pr->ipv6_src;
        bool strict = (dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80) || dst[0] == 0xff ||
                      (src[0] == 0xfe && (src[1] & 0xc0) == 0x80) || src[0] == 0xff;
        if (strict)
            return BPF_FIB_LKUP_RET_NOT_FWDED;
    }
    const struct helper_net_dev *in = NULL;
    for (uint32_t i = 0; i < n->n_devs; i++)
        if (n->devs[i].ifindex == pr->ifindex)
            in = &n->devs[i];
    if (!in)
        return -ENODEV;
    if (!in->forwarding)
        return BPF_FIB_LKUP_RET_FWD_DISABLED;
    const struct helper_net_route *r = route_lookup(n, family, dst);
    if (!r)
        return BPF_FIB_LKUP_RET_NOT_FWDED;
    switch (r->type) {
    case RTN_UNICAST:
        break;
    case RTN_BLACKHOLE:
        return BPF_FIB_LKUP_RET_BLACKHOLE;
    case RTN_UNREACHABLE:
        return BPF_FIB_LKUP_RET_UNREACHABLE;
    case RTN_PROHIBIT:
        return BPF_FIB_LKUP_RET_PROHIBIT;
    default:
        return BPF_FIB_LKUP_RET_NOT_FWDED;
    }
    const struct helper_net_dev *out = NULL;
    for (uint32_t i = 0; i < n->n_devs; i++)
        if (n->devs[i].ifindex == r->ifindex)
            out = &n->devs[i];
    uint32_t mtu = r->mtu ? r->mtu : out && out->mtu ? out->mtu : 1500;
    if (check_mtu && pr->tot_len > mtu) {
        pr->mtu_result = (uint16_t)mtu;
        return BPF_FIB_LKUP_RET_FRAG_NEEDED;
    }
    pr->rt_metric = r->metric;
    pr->ifindex = r->ifindex;
    static const uint8_t zero[16];
    if (memcmp(r->gw, zero, family == AF_INET ? 4 : 16))
        memcpy(dst, r->gw, family == AF_INET ? 4 : 16);
    if (!(flags & BPF_FIB_LOOKUP_SKIP_NEIGH)) {
        const struct helper_net_neigh *nb = neigh_lookup(n, family, dst, r->ifindex);
        if (!nb)
            return BPF_FIB_LKUP_RET_NO_NEIGH;
        memcpy(pr->dmac, nb->mac, 6);
        memcpy(pr->smac, out ? out->mac : zero, 6);
    }
    pr->h_vlan_TCI = 0;
    pr->h_vlan_proto = 0;
    if (check_mtu)
        pr->mtu_result = (uint16_t)mtu;
    return BPF_FIB_LKUP_RET_SUCCESS;
}

HELPER_FN(fib_lookup)
{
    struct helper_call_ctx *cc = helper_cc(run);
    int32_t plen = (int32_t)r3;
    uint32_t flags = (uint32_t)r4;
    if (!helper_arg_mem(run, r2, plen > 0 ? (uint64_t)plen : 0, true, "params"))
        return 0;
    if (plen < (int32_t)sizeof(struct bpf_fib_lookup))
        return (uint64_t)err(EINVAL);
    if (flags & ~(uint32_t)(BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_OUTPUT |
                            BPF_FIB_LOOKUP_SKIP_NEIGH | BPF_FIB_LOOKUP_TBID |
                            BPF_FIB_LOOKUP_SRC | BPF_FIB_LOOKUP_MARK))
        return (uint64_t)err(EINVAL);
    struct bpf_fib_lookup *pr = (struct bpf_fib_lookup *)(uintptr_t)r2;
    if (pr->family != AF_INET && pr->family != AF_INET6)
        return (uint64_t)err(EAFNOSUPPORT);
    const struct helper_net *n = cc->env->net;
    if (!n)
        return BPF_FIB_LKUP_RET_NOT_FWDED;
    bool xdp = cc->prog_type == BPF_PROG_TYPE_XDP;
    bool check_mtu = xdp || pr->tot_len;
    long rc = fib_lookup_table(n, pr, flags, check_mtu);
    if (!xdp && rc == BPF_FIB_LKUP_RET_SUCCESS && !check_mtu) {
        /* is_skb_forwardable against the egress device */
        const struct helper_net_dev *out = helper_net_dev(cc->env, pr->ifindex);
        uint32_t mtu = out && out->mtu ? out->mtu : 1500;
        if (skb_len(cc) > mtu + ETH_HLEN + VLAN_HLEN && !skb_is_gso(cc))
            rc = BPF_FIB_LKUP_RET_FRAG_NEEDED;
        pr->mtu_result = (uint16_t)mtu;
    }
    return (uint64_t)rc;
}
