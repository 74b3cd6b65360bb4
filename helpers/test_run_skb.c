/* helpers/test_run_skb.c - BPF_PROG_TEST_RUN for skb program types (tc
 * SCHED_CLS/SCHED_ACT, socket filters, cgroup_skb, LWT) with the rules of
 * net/bpf/test_run.c's bpf_prog_test_run_skb on x86-64:
 *
 *  - data_in: ETH_HLEN (14) to 4096 - NET_SKB_PAD (64) - NET_IP_ALIGN (0)
 *    - SKB_DATA_ALIGN(sizeof(skb_shared_info)) (320) = 3712 bytes, else
 *    -EINVAL. The packet goes through eth_type_trans on the device ctx_in
 *    names (loopback, ifindex 1, by default): skb->protocol is the EtherType
 *    (>= 0x600), else ETH_P_802_3 when the payload starts with 0xffff, else
 *    ETH_P_802_2; pkt_type is PACKET_HOST when the destination MAC is the
 *    device's (loopback: 00:00:00:00:00:00), PACKET_BROADCAST when it is
 *    the device's broadcast address (ff:ff:ff:ff:ff:ff, but loopback's is
 *    all zero: there ff:ff:ff:ff:ff:ff is PACKET_MULTICAST), PACKET_MULTICAST
 *    for other group addresses, PACKET_OTHERHOST otherwise. VLAN tags stay in the packet
 *    (protocol 0x8100, vlan_present 0).
 *  - an IPv4 (IPv6) packet with fewer than 20 (40) bytes after the
 *    Ethernet header is -EINVAL.
 *  - tc programs see the packet from the Ethernet header; socket filters,
 *    cgroup_skb and LWT programs from the network header (the MAC header
 *    stays in front, reachable with bpf_skb_load_bytes_relative), and on
 *    output 14 zero bytes replace whatever precedes data.
 *  - data/data_end (and data_meta, equal to data) are valid for every type
 *    that may read them (tc, LWT, cgroup_skb).
 *  - __sk_buff ctx_in: mark, priority, ingress_ifindex, ifindex, cb[],
 *    tstamp, wire_len (0 = the skb's length, else len..65536), gso_segs
 *    (<= 65535), gso_size and hwtstamp; any other nonzero byte is -EINVAL,
 *    nonzero bytes past the struct -E2BIG, an ifindex the emulated netns
 *    (env->net) lacks -ENODEV. Without ctx_in the run behaves as the
 *    kernel's with a zeroed ctx (what callers that ask for ctx_out get):
 *    wire_len reads as the skb length.
 *  - ctx_out: the ctx with mark, priority, ingress_ifindex, ifindex,
 *    tstamp, cb[], wire_len, gso_segs and hwtstamp written back; other
 *    fields keep their input values.
 *  - skb->sk is the test run's dummy socket (helpers/sock_skb.c: the
 *    packet's family and addresses, state TCP_CLOSE, uid 0), or the
 *    caller's (helper_test_run.socket); cgroup_skb programs see it through
 *    family, remote_ip4/6, local_ip4/6 and the ports too.
 *  - repeat runs the program that many times on the same skb.
 *  - packet_socket (socket filters; bpfemu's, not the kernel's test run):
 *    the frame as a packet socket's filter sees it: from the MAC header,
 *    14 bytes to 256 KiB, no IP header length rule (classic filters, run
 *    as tcpdump runs them).
 *
 * Not emulated: BPF_PROG_TEST_RUN flags (BPF_F_TEST_SKB_CHECKSUM_COMPLETE:
 * ip_summed is CHECKSUM_NONE). */
#include "helpers/helpers_internal.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define NET_SKB_PAD        64u
#define SKB_MAX_TEST_DATA  (HELPER_PAGE_SIZE - NET_SKB_PAD - HELPER_SHINFO_SIZE)
#define HEADROOM           256u  /* ours: more than the kernel's 64, fewer moves */
#define GSO_LEGACY_MAX     65536u
#define GSO_MAX_SEGS       65535u

static uint16_t be16(uint16_t v) { return (uint16_t)((v >> 8) | (v << 8)); }

#define SKB_OFF(f) offsetof(struct __sk_buff, f)
#define SKB_END(f) (offsetof(struct __sk_buff, f) + sizeof(((struct __sk_buff *)0)->f))

/* The byte ranges convert___skb_to_skb accepts; every other byte must be 0. */
static const char *ctx_bad_field(const struct __sk_buff *ctx)
{
    static const struct {
        size_t from, to;
    } ok[] = {
        {SKB_OFF(mark), SKB_END(mark)},
        {SKB_OFF(priority), SKB_END(ifindex)}, /* priority, ingress_ifindex, ifindex */
        {SKB_OFF(cb), SKB_END(cb)},
        {SKB_OFF(tstamp), SKB_END(gso_segs)},  /* tstamp, wire_len, gso_segs */
        {SKB_OFF(gso_size), SKB_END(gso_size)},
        {SKB_OFF(hwtstamp), SKB_END(hwtstamp)},
    };
    static const struct {
        size_t off;
        const char *name;
    } names[] = {
        {SKB_OFF(len), "len"}, {SKB_OFF(pkt_type), "pkt_type"},
        {SKB_OFF(queue_mapping), "queue_mapping"}, {SKB_OFF(protocol), "protocol"},
        {SKB_OFF(vlan_present), "vlan_present"}, {SKB_OFF(vlan_tci), "vlan_tci"},
        {SKB_OFF(vlan_proto), "vlan_proto"}, {SKB_OFF(tc_index), "tc_index"},
        {SKB_OFF(hash), "hash"}, {SKB_OFF(tc_classid), "tc_classid"}, {SKB_OFF(data), "data"},
        {SKB_OFF(data_end), "data_end"}, {SKB_OFF(napi_id), "napi_id"},
        {SKB_OFF(family), "family"}, {SKB_OFF(remote_ip4), "remote_ip4"},
        {SKB_OFF(local_ip4), "local_ip4"}, {SKB_OFF(remote_ip6), "remote_ip6"},
        {SKB_OFF(local_ip6), "local_ip6"}, {SKB_OFF(remote_port), "remote_port"},
        {SKB_OFF(local_port), "local_port"}, {SKB_OFF(data_meta), "data_meta"},
        {SKB_OFF(flow_keys), "flow_keys"}, {SKB_OFF(sk), "sk"},
        {SKB_OFF(tstamp_type), "tstamp_type"}, {sizeof(struct __sk_buff), NULL},
    };
    const uint8_t *b = (const uint8_t *)ctx;
    for (size_t i = 0; i < sizeof(*ctx); i++) {
        bool allowed = false;
        for (size_t k = 0; k < sizeof(ok) / sizeof(ok[0]); k++)
            allowed |= i >= ok[k].from && i < ok[k].to;
        if (allowed || !b[i])
            continue;
        const char *name = "padding";
        for (size_t k = 0; names[k].name; k++)
            if (i >= names[k].off && i < names[k + 1].off)
                name = names[k].name;
        return name;
    }
    return NULL;
}

/* eth_type_trans's pkt_type and protocol (see helpers_internal.h). */
void helper_eth_type_trans(struct helper_skb *s, const uint8_t *eth, size_t len,
                           const uint8_t *mac, const uint8_t *bcast)
{
    if (memcmp(eth, mac, 6)) {
        if (eth[0] & 1)
            s->pkt_type = memcmp(eth, bcast, 6) ? PACKET_MULTICAST : PACKET_BROADCAST;
        else
            s->pkt_type = PACKET_OTHERHOST;
    } else {
        s->pkt_type = PACKET_HOST;
    }
    uint16_t proto;
    memcpy(&proto, eth + 12, 2);
    if (be16(proto) >= ETH_P_802_3_MIN)
        s->protocol = proto;
    else if (len >= HELPER_ETH_HLEN + 2 && eth[14] == 0xff && eth[15] == 0xff)
        s->protocol = be16(ETH_P_802_3);
    else
        s->protocol = be16(ETH_P_802_2);
}

int helper_test_run_skb(struct helper_prog *prog, struct helper_test_run *tr, char *err,
                        size_t errlen)
{
    uint32_t type = prog->prog_type;
    size_t size = tr->data_size_in;
    /* a packet socket sees the frame from its MAC header (packet_rcv
     * pushes it back before running the filter) */
    bool pkt_sock = tr->packet_socket;
    if (pkt_sock && type != BPF_PROG_TYPE_SOCKET_FILTER)
        return helper_err(err, errlen, -EINVAL, "packet-socket delivery is for socket filters");
    bool is_l2 = type == BPF_PROG_TYPE_SCHED_CLS || type == BPF_PROG_TYPE_SCHED_ACT || pkt_sock;
    size_t max = pkt_sock ? HELPER_PACKET_SOCKET_MAX : SKB_MAX_TEST_DATA;
    if (size < HELPER_ETH_HLEN || size > max)
        return helper_err(err, errlen, -EINVAL, "%s take %u to %zu bytes of packet, got %zu",
                       pkt_sock ? "packet sockets" : "skb test runs", HELPER_ETH_HLEN, max, size);
    struct __sk_buff ctx = {0};
    if (tr->ctx_in && tr->ctx_size_in) {
        const uint8_t *in = tr->ctx_in;
        for (size_t i = sizeof(ctx); i < tr->ctx_size_in; i++)
            if (in[i])
                return helper_err(err, errlen, -E2BIG,
                               "ctx_in: nonzero bytes past struct __sk_buff (%zu bytes)",
                               sizeof(ctx));
        memcpy(&ctx, in, tr->ctx_size_in < sizeof(ctx) ? tr->ctx_size_in : sizeof(ctx));
    }

    struct helper_env *env = prog->env;
    uint32_t ifindex = ctx.ifindex > 1 ? ctx.ifindex : 1;
    static const uint8_t lo_mac[6];
    const uint8_t *dev_mac = lo_mac;
    if (env->net) {
        const struct helper_net_dev *dev = helper_net_dev(env, ifindex);
        if (!dev && ifindex > 1)
            return helper_err(err, errlen, -ENODEV, "ctx_in: no device with ifindex %u", ifindex);
        if (dev)
            dev_mac = dev->mac;
    }

    struct helper_call_ctx *cc = calloc(1, sizeof(*cc));
    struct vm_run *run = malloc(sizeof(*run));
    size_t buf_len = HEADROOM + size + 512;
    uint8_t *buf = calloc(1, buf_len);
    int rc = 0;
    if (!cc || !run || !buf) {
        free(buf);
        rc = helper_err(err, errlen, -ENOMEM, "out of memory");
        goto out;
    }
    cc->env = env;
    cc->prog = prog;
    cc->prog_type = type;
    cc->cpu = tr->cpu;
    cc->pkt_region = -1;
    struct helper_pkt *p = &cc->pkt;
    p->buf = p->hard_start = buf;
    p->buf_len = buf_len;
    p->hard_end = buf + buf_len;
    p->data = buf + HEADROOM;
    p->data_end = p->data + size;
    memcpy(p->data, tr->data_in, size);

    struct helper_skb *s = &cc->skb;
    s->transport_header = HELPER_SKB_UNSET;
    s->mac_header = HEADROOM;
    s->network_header = HEADROOM + HELPER_ETH_HLEN;
    s->mac_header_len = HELPER_ETH_HLEN;
    s->ifindex = ifindex;
    static const uint8_t eth_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    helper_eth_type_trans(s, p->data, size, dev_mac, ifindex == 1 ? lo_mac : eth_bcast);
    size_t l3 = size - HELPER_ETH_HLEN;
    const uint8_t *ip = p->data + HELPER_ETH_HLEN;
    if (s->protocol == be16(ETH_P_IP) && (l3 >= 20 || !pkt_sock)) {
        if (l3 < 20) {
            rc = helper_err(err, errlen, -EINVAL, "IPv4 packet shorter than its header (%zu bytes)",
                         l3);
            goto out;
        }
        s->family = AF_INET;
        memcpy(&s->local_ip4, ip + 12, 4);
        memcpy(&s->remote_ip4, ip + 16, 4);
    } else if (s->protocol == be16(ETH_P_IPV6) && (l3 >= 40 || !pkt_sock)) {
        if (l3 < 40) {
            rc = helper_err(err, errlen, -EINVAL, "IPv6 packet shorter than its header (%zu bytes)",
                         l3);
            goto out;
        }
        s->family = AF_INET6;
        memcpy(s->local_ip6, ip + 8, 16);
        memcpy(s->remote_ip6, ip + 24, 16);
    }
    if (!is_l2)
        p->data += HELPER_ETH_HLEN;
    p->data_meta = p->data;
    s->data_ptrs = true;
    helper_sock_for_skb(cc, tr->socket);

    /* convert___skb_to_skb */
    const char *bad = ctx_bad_field(&ctx);
    if (bad) {
        rc = helper_err(err, errlen, -EINVAL, "ctx_in: __sk_buff.%s must be zero", bad);
        goto out;
    }
    size_t len = (size_t)(p->data_end - p->data);
    s->mark = ctx.mark;
    s->priority = ctx.priority;
    s->ingress_ifindex = ctx.ingress_ifindex;
    s->tstamp = ctx.tstamp;
    memcpy(s->cb, ctx.cb, sizeof(s->cb));
    if (!ctx.wire_len) {
        s->wire_len = (uint32_t)len;
    } else if (ctx.wire_len < len || ctx.wire_len > GSO_LEGACY_MAX) {
        rc = helper_err(err, errlen, -EINVAL, "ctx_in: wire_len %u outside [%zu, %u]", ctx.wire_len,
                     len, GSO_LEGACY_MAX);
        goto out;
    } else {
        s->wire_len = ctx.wire_len;
    }
    if (ctx.gso_segs > GSO_MAX_SEGS) {
        rc = helper_err(err, errlen, -EINVAL, "ctx_in: gso_segs %u > %u", ctx.gso_segs,
                     GSO_MAX_SEGS);
        goto out;
    }
    s->gso_segs = ctx.gso_segs;
    s->gso_size = ctx.gso_size & 0xffff;
    s->hwtstamp = ctx.hwtstamp;

    rc = helper_run_loop(prog, cc, run, tr, helper_ctx_skb_access, sizeof(struct __sk_buff), err,
                         errlen);
    if (rc)
        goto out;
    /* socket filters, cgroup_skb, LWT: 14 zero bytes stand in for the MAC header */
    size_t pad = is_l2 ? 0 : HELPER_ETH_HLEN;
    size_t out_len = (size_t)(p->data_end - p->data) + pad;
    tr->data_out = calloc(1, out_len + 1);
    tr->ctx_out = malloc(sizeof(ctx));
    if (!tr->data_out || !tr->ctx_out) {
        rc = helper_err(err, errlen, -ENOMEM, "out of memory");
        goto out;
    }
    memcpy(tr->data_out + pad, p->data, out_len - pad);
    tr->data_size_out = out_len;
    /* convert_skb_to___skb */
    ctx.mark = s->mark;
    ctx.priority = s->priority;
    ctx.ingress_ifindex = s->ingress_ifindex;
    ctx.ifindex = s->ifindex;
    ctx.tstamp = s->tstamp;
    memcpy(ctx.cb, s->cb, sizeof(ctx.cb));
    ctx.wire_len = s->wire_len;
    ctx.gso_segs = s->gso_segs;
    ctx.hwtstamp = s->hwtstamp;
    memcpy(tr->ctx_out, &ctx, sizeof(ctx));
    tr->ctx_size_out = sizeof(ctx);
out:
    if (cc) {
        tr->trace = cc->trace;
        tr->trace_len = cc->trace_len;
        free(cc->pkt.buf);
    }
    free(run);
    free(cc);
    return rc;
}
