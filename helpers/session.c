/* helpers/session.c - per-packet sessions (helpers.h): one program run on
 * packet after packet with the set-up done once.
 *
 * What a run sees is what helper_test_run (helpers/test_run.c,
 * helpers/test_run_skb.c) builds for a test run without ctx_in, so that a
 * replay through a session and a series of BPF_PROG_TEST_RUNs agree byte
 * for byte:
 *  - XDP: 256 bytes of zeroed headroom, a 4 KiB frame whose last 320 bytes
 *    (skb_shared_info) the packet may not grow into, bytes past the linear
 *    part (3520) in frags after the frame, data_out from data_meta with the
 *    frags appended; xdp_md.ingress_ifindex 1 (lo) unless the meta names a
 *    device.
 *  - skb: eth_type_trans on the device (loopback unless the meta names
 *    one), short IPv4/IPv6 frames refused, tc programs from the Ethernet
 *    header and the others from L3 with 14 zero bytes in front on output.
 *    With opts.packet_socket (socket filters) the frame is delivered as
 *    to a packet socket: from the MAC header, no IP header rule.
 *    This duplicates test_run_skb.c's set-up (its helpers are static there);
 *    keep the two in step.
 * Per run only the packet bytes are copied in and the pointers, the
 * context state, the trace buffer and the headroom are reset: no
 * allocation unless a packet is bigger than any before (or an skb helper
 * grows the buffer). */
#include "helpers/helpers_internal.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define SKB_HEADROOM      256u  /* as test_run_skb.c */
#define SKB_TAILROOM      512u
#define SKB_MAX_DATA      (HELPER_PAGE_SIZE - 64u - HELPER_SHINFO_SIZE) /* 3712 */
#define XDP_MAX_LINEAR    (HELPER_PAGE_SIZE - HELPER_XDP_HEADROOM - HELPER_SHINFO_SIZE)
#define SESSION_ERR_LEN   (VM_ERR_LEN + 192)

struct session_ring {
    struct maps_map *m;
    const char *name;
    uintptr_t start;           /* ring data */
    uint64_t size;             /* ring size (the region is twice that) */
    bool perf;
};

struct session_event {        /* while the run goes: offsets into evbuf */
    const char *map;
    bool perf;
    uint32_t perf_index;
    size_t off;
    uint32_t len;
};

struct helper_session {
    struct vm_run run;         /* run.user = &cc, run.on_call = session_on_call */
    struct helper_call_ctx cc;
    struct helper_env *env;
    struct helper_prog *prog;
    uint32_t type;
    bool xdp, is_l2;
    struct helper_session_opts opts;
    struct helper_socket socket;   /* opts.socket's copy */
    uint8_t *xdp_buf;          /* XDP: frame + frags (skb: cc.pkt.buf) */
    size_t xdp_cap;
    uint8_t *out;              /* a contiguous data_out when it is not in the buffer */
    size_t out_cap;
    /* consumed after each run */
    struct session_ring *rings;
    uint32_t n_rings;
    /* this run's records */
    struct session_event *sev;
    size_t n_ev, cap_ev;
    struct helper_event *ev;   /* the result's view of sev */
    size_t cap_view;
    uint8_t *evbuf;
    size_t evlen, evcap;
    /* redirect_map target of this run */
    uint32_t redir_map_type, redir_target;
    char errmsg[SESSION_ERR_LEN];
    uint64_t counts[VM_MAX_HELPER_ID];
};

static uint16_t be16(uint16_t v) { return (uint16_t)((v >> 8) | (v << 8)); }

/* ---------------------------------------------------------- call hook */

static void session_on_call(struct vm_run *run, uint32_t id, const uint64_t args[5], uint64_t ret);

static struct helper_session *session_of(struct vm_run *run)
{
    if (run->on_call != session_on_call)
        return NULL; /* a test run on the same environment */
    return (struct helper_session *)(void *)((char *)run - offsetof(struct helper_session, run));
}

static struct maps_map *env_map(const struct helper_env *env, uint64_t ptr, const char **name)
{
    for (uint32_t i = 0; i < env->obj->n_maps; i++)
        if (env->maps[i] && (uintptr_t)env->maps[i] == ptr) {
            if (name)
                *name = env->obj->maps[i].name;
            return env->maps[i];
        }
    return NULL;
}

static void session_on_call(struct vm_run *run, uint32_t id, const uint64_t args[5], uint64_t ret)
{
    struct helper_session *s = session_of(run);
    if (s->opts.count_helpers && id < VM_MAX_HELPER_ID)
        s->counts[id]++;
    if (id == BPF_FUNC_redirect) {
        s->redir_map_type = 0;
    } else if (id == BPF_FUNC_redirect_map && ret == XDP_REDIRECT) {
        struct maps_map *m = env_map(s->env, args[0], NULL);
        if (m) {
            uint32_t key = (uint32_t)args[1], type = maps_get_attr(m)->type;
            s->redir_map_type = type;
            s->redir_target = key;
            if (type == BPF_MAP_TYPE_DEVMAP || type == BPF_MAP_TYPE_DEVMAP_HASH) {
                const uint32_t *v = maps_elem_lookup(m, &key, s->cc.cpu);
                if (v)
                    s->redir_target = *v; /* struct bpf_devmap_val.ifindex */
            }
        }
    }
    if (s->env->record)
        helper_record_call(run, id, args, ret);
}

/* ------------------------------------------------------------ events */

static void add_event(struct helper_session *s, const char *map, bool perf, uint32_t index,
                      const void *data, uint64_t len)
{
    if (len > UINT32_MAX)
        return;
    if (s->n_ev == s->cap_ev) {
        size_t cap = s->cap_ev ? 2 * s->cap_ev : 8;
        struct session_event *g = realloc(s->sev, cap * sizeof(*g));
        if (!g)
            return;
        s->sev = g;
        s->cap_ev = cap;
    }
    if (s->evlen + len > s->evcap) {
        size_t cap = s->evcap ? s->evcap : 256;
        while (cap < s->evlen + len)
            cap *= 2;
        uint8_t *g = realloc(s->evbuf, cap);
        if (!g)
            return;
        s->evbuf = g;
        s->evcap = cap;
    }
    if (len)
        memcpy(s->evbuf + s->evlen, data, len);
    s->sev[s->n_ev++] = (struct session_event){map, perf, index, s->evlen, (uint32_t)len};
    s->evlen += len;
}

static uint64_t orig(uint32_t id, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                     struct vm_run *run)
{
    const struct helper_proto *p = helper_proto((int32_t)id);
    return p->fn(r1, r2, r3, r4, r5, run);
}

static uint64_t ev_ringbuf_output(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                                  struct vm_run *run)
{
    uint64_t ret = orig(BPF_FUNC_ringbuf_output, r1, r2, r3, r4, r5, run);
    struct helper_session *s = session_of(run);
    const char *name;
    if (s && ret == 0 && !run->stop && env_map(s->env, r1, &name))
        add_event(s, name, false, 0, (const void *)(uintptr_t)r2, r3);
    return ret;
}

/* The record is copied before it is committed: once submitted another
 * thread's consumer may take it. */
static uint64_t ev_ringbuf_submit(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                                  struct vm_run *run)
{
    struct helper_session *s = session_of(run);
    for (uint32_t i = 0; s && i < s->n_rings; i++) {
        const struct session_ring *g = &s->rings[i];
        if (g->perf || r1 < g->start + BPF_RINGBUF_HDR_SZ ||
            r1 >= g->start + g->size + BPF_RINGBUF_HDR_SZ || (r1 - g->start) % 8)
            continue;
        /* the kernel's record header (uapi): { u32 len; u32 pg_off; } */
        uint32_t hdr = __atomic_load_n((const uint32_t *)(uintptr_t)(r1 - BPF_RINGBUF_HDR_SZ),
                                       __ATOMIC_ACQUIRE);
        uint32_t len = hdr & ~(uint32_t)(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
        if ((hdr & BPF_RINGBUF_BUSY_BIT) && (r1 - g->start) + len <= 2 * g->size)
            add_event(s, g->name, false, 0, (const void *)(uintptr_t)r1, len);
        break;
    }
    return orig(BPF_FUNC_ringbuf_submit, r1, r2, r3, r4, r5, run);
}

static uint64_t ev_perf_event_output(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                                     uint64_t r5, struct vm_run *run)
{
    uint64_t ret = orig(BPF_FUNC_perf_event_output, r1, r2, r3, r4, r5, run);
    struct helper_session *s = session_of(run);
    const char *name;
    if (s && ret == 0 && !run->stop && env_map(s->env, r2, &name)) {
        uint64_t index = r3 & BPF_F_INDEX_MASK;
        if (index == BPF_F_INDEX_MASK)
            index = s->cc.cpu;
        add_event(s, name, true, (uint32_t)index, (const void *)(uintptr_t)r4, r5);
    }
    return ret;
}

static int install_event_hooks(struct helper_env *env, char *err, size_t errlen)
{
    static const struct {
        int32_t id;
        vm_helper_fn fn;
    } hooks[] = {
        {BPF_FUNC_ringbuf_output, ev_ringbuf_output},
        {BPF_FUNC_ringbuf_submit, ev_ringbuf_submit},
        {BPF_FUNC_perf_event_output, ev_perf_event_output},
    };
    for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
        vm_helper_fn cur = env->overrides[hooks[i].id];
        if (cur == hooks[i].fn)
            continue;
        if (cur || !helper_proto(hooks[i].id))
            continue; /* mocked by the user: its records are not seen */
        if (helper_env_override(env, hooks[i].id, hooks[i].fn, NULL))
            return helper_err(err, errlen, -EINVAL, "cannot hook helper %d", hooks[i].id);
    }
    return 0;
}

static int collect_rings(struct helper_session *s, char *err, size_t errlen)
{
    struct helper_env *env = s->env;
    for (uint32_t i = 0; i < env->obj->n_maps; i++) {
        struct maps_map *m = env->maps[i];
        if (!m)
            continue;
        uint32_t type = maps_get_attr(m)->type;
        if (type != BPF_MAP_TYPE_RINGBUF && type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
            continue;
        struct session_ring *g = realloc(s->rings, (s->n_rings + 1) * sizeof(*g));
        if (!g)
            return helper_err(err, errlen, -ENOMEM, "out of memory");
        s->rings = g;
        g = &s->rings[s->n_rings++];
        memset(g, 0, sizeof(*g));
        g->m = m;
        g->name = env->obj->maps[i].name;
        g->perf = type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
        struct vm_region r;
        if (!g->perf && maps_regions(m, &r, 1) == 1) {
            g->start = r.start;
            g->size = (r.end - r.start) / 2;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ set-up */

static bool skb_type(uint32_t type)
{
    switch (type) {
    case BPF_PROG_TYPE_SCHED_CLS:
    case BPF_PROG_TYPE_SCHED_ACT:
    case BPF_PROG_TYPE_SOCKET_FILTER:
    case BPF_PROG_TYPE_CGROUP_SKB:
    case BPF_PROG_TYPE_LWT_IN:
    case BPF_PROG_TYPE_LWT_OUT:
    case BPF_PROG_TYPE_LWT_XMIT:
        return true;
    }
    return false;
}

static int grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 4096;
    while (n < need)
        n *= 2;
    uint8_t *g = calloc(1, n);
    if (!g)
        return -ENOMEM;
    free(*buf);
    *buf = g;
    *cap = n;
    return 0;
}

int helper_session_create(struct helper_prog *prog, const struct helper_session_opts *opts,
                          struct helper_session **out, char *err, size_t errlen)
{
    *out = NULL;
    uint32_t type = prog->prog_type;
    if (type != BPF_PROG_TYPE_XDP && !skb_type(type))
        return helper_err(err, errlen, -ENOTSUP,
                     "program '%s': sessions run XDP and skb (tc, socket filter, cgroup_skb, "
                     "LWT) programs, not program type %u",
                     prog->info->name, type);
    if (opts && opts->socket && type == BPF_PROG_TYPE_XDP)
        return helper_err(err, errlen, -EINVAL, "program '%s': XDP programs have no socket "
                          "(skb->sk)", prog->info->name);
    if (opts && opts->packet_socket && type != BPF_PROG_TYPE_SOCKET_FILTER)
        return helper_err(err, errlen, -EINVAL, "program '%s': packet-socket delivery is for socket "
                     "filters", prog->info->name);
    struct helper_session *s = calloc(1, sizeof(*s));
    if (!s)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    struct helper_env *env = prog->env;
    s->env = env;
    s->prog = prog;
    s->type = type;
    s->xdp = type == BPF_PROG_TYPE_XDP;
    if (opts)
        s->opts = *opts;
    if (s->opts.socket) /* the caller's may go away */
        s->socket = *s->opts.socket;
    /* a packet socket's filter sees the frame from the MAC header */
    s->is_l2 = type == BPF_PROG_TYPE_SCHED_CLS || type == BPF_PROG_TYPE_SCHED_ACT ||
               s->opts.packet_socket;
    struct helper_call_ctx *cc = &s->cc;
    cc->env = env;
    cc->prog = prog;
    cc->prog_type = type;
    int rc;
    if (s->xdp)
        rc = grow(&s->xdp_buf, &s->xdp_cap, HELPER_PAGE_SIZE);
    else
        rc = grow(&cc->pkt.buf, &cc->pkt.buf_len, SKB_HEADROOM + SKB_MAX_DATA + SKB_TAILROOM);
    if (rc || (rc = grow(&s->out, &s->out_cap, HELPER_PAGE_SIZE))) {
        helper_session_destroy(s);
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    }
    uint8_t *pkt = s->xdp ? s->xdp_buf : cc->pkt.buf;

    struct vm_run *run = &s->run;
    vm_run_init(run, prog->vm);
    run->user = cc;
    run->api_user = env->override_user;
    run->on_call = session_on_call;
    run->args[0] = (uintptr_t)cc->ctx_mem;
    struct vm_region ctx = {.start = (uintptr_t)cc->ctx_mem,
                            .end = (uintptr_t)cc->ctx_mem +
                                   (s->xdp ? sizeof(struct xdp_md) : sizeof(struct __sk_buff)),
                            .flags = VM_REGION_RW | VM_REGION_CTX,
                            .name = "ctx",
                            .ctx_access = s->xdp ? helper_ctx_xdp_access : helper_ctx_skb_access,
                            .ctx_direct = s->xdp ? helper_ctx_xdp_direct : helper_ctx_skb_direct};
    vm_run_add_region_desc(run, &ctx);
    vm_run_add_region(run, cc->cb_key, sizeof cc->cb_key, VM_REGION_READ, 0, "callback key");
    helper_sock_add_region(cc, run);
    cc->pkt_region = (int)run->n_regions;
    vm_run_add_region(run, pkt, 1, VM_REGION_RW, 0, "packet");
    for (uint32_t i = 0; i < env->n_map_regions; i++)
        if (vm_run_add_region_desc(run, &env->map_regions[i])) {
            helper_session_destroy(s);
            return helper_err(err, errlen, -E2BIG, "too many map regions for one run");
        }
    if ((rc = collect_rings(s, err, errlen)) ||
        (s->opts.events && (rc = install_event_hooks(env, err, errlen)))) {
        helper_session_destroy(s);
        return rc;
    }
    *out = s;
    return 0;
}

void helper_session_destroy(struct helper_session *s)
{
    if (!s)
        return;
    if (s->cc.pkt.buf != s->xdp_buf)
        free(s->cc.pkt.buf); /* skb (XDP's is xdp_buf) */
    free(s->xdp_buf);
    free(s->cc.trace);
    free(s->out);
    free(s->rings);
    free(s->sev);
    free(s->ev);
    free(s->evbuf);
    free(s);
}

const uint64_t *helper_session_helper_counts(const struct helper_session *s) { return s->counts; }

/* ------------------------------------------------------------- a run */

static int refuse(struct helper_session *s, struct helper_pkt_result *res, int rc,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int refuse(struct helper_session *s, struct helper_pkt_result *res, int rc,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    res->rc = rc;
    res->errmsg = s->errmsg;
    return rc;
}

static int setup_xdp(struct helper_session *s, const uint8_t *data, size_t len,
                     const struct helper_pkt_meta *meta, struct helper_pkt_result *res)
{
    if (len < HELPER_ETH_HLEN)
        return refuse(s, res, -EINVAL,
                      "XDP test runs need at least %u bytes of packet (ETH_HLEN), got %zu",
                      HELPER_ETH_HLEN, len);
    size_t linear = len < XDP_MAX_LINEAR ? len : XDP_MAX_LINEAR, frags = len - linear;
    if (grow(&s->xdp_buf, &s->xdp_cap, HELPER_PAGE_SIZE + frags))
        return refuse(s, res, -ENOMEM, "out of memory");
    struct helper_pkt *p = &s->cc.pkt;
    uint8_t *buf = s->xdp_buf;
    memset(buf, 0, HELPER_XDP_HEADROOM);
    p->buf = p->hard_start = buf;
    p->buf_len = HELPER_PAGE_SIZE + frags;
    p->hard_end = buf + HELPER_PAGE_SIZE - HELPER_SHINFO_SIZE;
    p->data_meta = p->data = buf + HELPER_XDP_HEADROOM;
    p->data_end = p->data + linear;
    memcpy(p->data, data, linear);
    if (frags)
        memcpy(buf + HELPER_PAGE_SIZE, data + linear, frags);
    s->cc.xdp.ingress_ifindex = meta->ingress_ifindex ? meta->ingress_ifindex : 1; /* lo */
    s->cc.xdp.rx_queue_index = meta->rx_queue;
    s->cc.xdp.egress_ifindex = 0;
    return 0;
}

static int setup_skb(struct helper_session *s, const uint8_t *data, size_t len,
                     const struct helper_pkt_meta *meta, struct helper_pkt_result *res)
{
    bool pkt_sock = s->opts.packet_socket;
    size_t max = pkt_sock ? HELPER_PACKET_SOCKET_MAX : SKB_MAX_DATA;
    if (len < HELPER_ETH_HLEN || len > max)
        return refuse(s, res, -EINVAL, "%s take %u to %zu bytes of packet, got %zu",
                      pkt_sock ? "packet sockets" : "skb test runs", HELPER_ETH_HLEN, max, len);
    struct helper_env *env = s->env;
    uint32_t ifindex = meta->ingress_ifindex > 1 ? meta->ingress_ifindex : 1;
    static const uint8_t lo_mac[6];
    static const uint8_t eth_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    const uint8_t *dev_mac = lo_mac;
    if (env->net) {
        const struct helper_net_dev *dev = helper_net_dev(env, ifindex);
        if (!dev && ifindex > 1)
            return refuse(s, res, -ENODEV, "no device with ifindex %u", ifindex);
        if (dev)
            dev_mac = dev->mac;
    }
    struct helper_pkt *p = &s->cc.pkt;
    /* a helper may have swapped the buffer for a bigger one: keep it */
    if (p->buf_len < SKB_HEADROOM + len + SKB_TAILROOM) {
        free(p->buf);
        p->buf = NULL;
        p->buf_len = 0;
        if (grow(&p->buf, &p->buf_len,
                 SKB_HEADROOM + (len > SKB_MAX_DATA ? len : SKB_MAX_DATA) + SKB_TAILROOM))
            return refuse(s, res, -ENOMEM, "out of memory");
    }
    uint8_t *buf = p->buf;
    memset(buf, 0, SKB_HEADROOM);
    memset(buf + SKB_HEADROOM + len, 0, SKB_TAILROOM);
    p->hard_start = buf;
    p->hard_end = buf + p->buf_len;
    p->data = buf + SKB_HEADROOM;
    p->data_end = p->data + len;
    memcpy(p->data, data, len);

    struct helper_skb *sk = &s->cc.skb;
    memset(sk, 0, sizeof(*sk));
    sk->transport_header = HELPER_SKB_UNSET;
    sk->mac_header = SKB_HEADROOM;
    sk->network_header = SKB_HEADROOM + HELPER_ETH_HLEN;
    sk->mac_header_len = HELPER_ETH_HLEN;
    sk->ifindex = ifindex;
    helper_eth_type_trans(sk, p->data, len, dev_mac, ifindex == 1 ? lo_mac : eth_bcast);
    size_t l3 = len - HELPER_ETH_HLEN;
    const uint8_t *ip = p->data + HELPER_ETH_HLEN;
    if (sk->protocol == be16(ETH_P_IP) && (l3 >= 20 || !pkt_sock)) {
        if (l3 < 20)
            return refuse(s, res, -EINVAL, "IPv4 packet shorter than its header (%zu bytes)", l3);
        sk->family = AF_INET;
        memcpy(&sk->local_ip4, ip + 12, 4);
        memcpy(&sk->remote_ip4, ip + 16, 4);
    } else if (sk->protocol == be16(ETH_P_IPV6) && (l3 >= 40 || !pkt_sock)) {
        if (l3 < 40)
            return refuse(s, res, -EINVAL, "IPv6 packet shorter than its header (%zu bytes)", l3);
        sk->family = AF_INET6;
        memcpy(sk->local_ip6, ip + 8, 16);
        memcpy(sk->remote_ip6, ip + 24, 16);
    }
    if (!s->is_l2)
        p->data += HELPER_ETH_HLEN;
    p->data_meta = p->data;
    sk->data_ptrs = true;
    helper_sock_for_skb(&s->cc, s->opts.socket ? &s->socket : NULL);
    sk->ingress_ifindex = meta->ingress_ifindex;
    sk->queue_mapping = meta->rx_queue;
    sk->wire_len = (uint32_t)(p->data_end - p->data);
    return 0;
}

static void result_out(struct helper_session *s, struct helper_pkt_result *res)
{
    struct helper_pkt *p = &s->cc.pkt;
    if (s->xdp) {
        size_t linear = (size_t)(p->data_end - p->data_meta);
        size_t frags = p->buf_len - HELPER_PAGE_SIZE;
        res->data_out = p->data_meta;
        res->data_len = linear;
        if (frags && !grow(&s->out, &s->out_cap, linear + frags)) {
            memcpy(s->out, p->data_meta, linear);
            memcpy(s->out + linear, p->buf + HELPER_PAGE_SIZE, frags);
            res->data_out = s->out;
            res->data_len = linear + frags;
        }
        return;
    }
    size_t len = (size_t)(p->data_end - p->data);
    res->data_out = p->data;
    res->data_len = len;
    if (!s->is_l2 && !grow(&s->out, &s->out_cap, len + HELPER_ETH_HLEN)) {
        memset(s->out, 0, HELPER_ETH_HLEN);
        memcpy(s->out + HELPER_ETH_HLEN, p->data, len);
        res->data_out = s->out;
        res->data_len = len + HELPER_ETH_HLEN;
    }
    res->mark = s->cc.skb.mark;
    res->priority = s->cc.skb.priority;
}

static void drain_rings(struct helper_session *s)
{
    for (uint32_t i = 0; i < s->n_rings; i++) {
        if (s->rings[i].perf)
            maps_perf_consume(s->rings[i].m, NULL, NULL);
        else
            maps_ringbuf_consume(s->rings[i].m, NULL, NULL);
    }
}

static void result_events(struct helper_session *s, struct helper_pkt_result *res)
{
    if (!s->n_ev)
        return;
    if (s->cap_view < s->n_ev) {
        struct helper_event *g = realloc(s->ev, s->n_ev * sizeof(*g));
        if (!g)
            return;
        s->ev = g;
        s->cap_view = s->n_ev;
    }
    for (size_t i = 0; i < s->n_ev; i++) {
        const struct session_event *e = &s->sev[i];
        s->ev[i] = (struct helper_event){e->map, e->perf, e->perf_index, s->evbuf + e->off, e->len};
    }
    res->events = s->ev;
    res->n_events = s->n_ev;
}

int helper_session_run(struct helper_session *s, const void *data, size_t len,
                       const struct helper_pkt_meta *meta, struct helper_pkt_result *res)
{
    static const struct helper_pkt_meta none;
    if (!meta)
        meta = &none;
    memset(res, 0, sizeof(*res));
    res->trace = "";
    struct helper_call_ctx *cc = &s->cc;
    struct helper_env *env = s->env;
    if (meta->cpu >= env->opts.ncpus)
        return refuse(s, res, -EINVAL, "CPU %u: the environment has %u CPUs", meta->cpu,
                      env->opts.ncpus);
    cc->cpu = meta->cpu;
    s->n_ev = s->evlen = 0;
    s->redir_map_type = 0;
    int rc = s->xdp ? setup_xdp(s, data, len, meta, res) : setup_skb(s, data, len, meta, res);
    if (rc)
        return rc;
    if (meta->now_ns) {
        cc->now_ns = meta->now_ns;
    } else {
        uint64_t i = __atomic_fetch_add(&env->runs, 1, __ATOMIC_RELAXED);
        cc->now_ns = env->opts.clock_ns + i * env->opts.clock_step_ns;
    }
    cc->prog = s->prog;
    cc->redirect_ifindex = 0;
    cc->redirect_flags = 0;
    cc->trace_len = 0;
    if (cc->trace)
        cc->trace[0] = 0;
    /* The packet region follows the new packet. When it only grows at the
     * end, whatever an engine cached about it (the JIT's region caches)
     * stays true, so the engines are not told: they keep their caches of
     * every region across packets. Otherwise they drop them. */
    struct vm_region *pr = &s->run.regions[cc->pkt_region];
    uintptr_t lo = (uintptr_t)(cc->pkt.data_meta < cc->pkt.data ? cc->pkt.data_meta : cc->pkt.data);
    uintptr_t hi = (uintptr_t)cc->pkt.data_end;
    if (lo == pr->start && hi >= pr->end)
        pr->end = hi;
    else
        helper_pkt_sync_region(&s->run);

    res->ran = true;
    rc = vm_run_exec(&s->run);
    drain_rings(s);
    res->insns = s->run.insns_executed;
    if (cc->trace) {
        res->trace = cc->trace;
        res->trace_len = cc->trace_len;
    }
    result_events(s, res);
    if (rc)
        return refuse(s, res, rc, "program '%s': %s", s->prog->info->name, s->run.errmsg);
    res->retval = (uint32_t)s->run.r0;
    res->redirect_ifindex = cc->redirect_ifindex;
    res->redirect_flags = cc->redirect_flags;
    res->redirect_map_type = s->redir_map_type;
    if (s->redir_map_type)
        res->redirect_ifindex = s->redir_target;
    result_out(s, res);
    return 0;
}
