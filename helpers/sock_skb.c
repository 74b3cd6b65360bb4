/* helpers/sock_skb.c - the socket behind an skb: what __sk_buff->sk
 * points at (struct bpf_sock, read-only memory the program loads from
 * directly, as the kernel's rewrite of bpf_sock fields reads struct sock),
 * the socket helpers of skb programs (bpf_get_socket_uid,
 * bpf_get_socket_cookie, bpf_sk_fullsock), and the socket a test run
 * gives: the kernel's dummy one (net/bpf/test_run.c) or the caller's. */
#include "helpers/helper_fns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define TCP_ESTABLISHED_ 1u
#define TCP_CLOSE_ 7u
#define OVERFLOW_UID 65534u        /* from_kuid_munged's answer without a socket */
#define DEFAULT_COOKIE 4096u       /* bpfemu's; the kernel's counts sockets made since boot */

void helper_socket_test_run_default(struct helper_socket *s, uint32_t family,
                                    const uint8_t *saddr, const uint8_t *daddr)
{
    memset(s, 0, sizeof(*s));
    /* sk_alloc + sock_init_data(NULL, sk): no struct socket, so uid 0,
     * type 0; the test run sets the family and addresses from the packet */
    s->family = family;
    s->state = TCP_CLOSE_;
    s->rx_queue_mapping = -1;
    s->cookie = DEFAULT_COOKIE;
    size_t n = family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
    if (n && saddr && daddr) {
        memcpy(s->src_ip, saddr, n);
        memcpy(s->dst_ip, daddr, n);
    }
}

/* ------------------------------------------------------------- parsing */

struct sym {
    const char *name;
    uint32_t value;
};
static const struct sym families[] = {{"inet", AF_INET}, {"inet6", AF_INET6},
                                      {"unspec", AF_UNSPEC}, {"unix", AF_UNIX}};
static const struct sym types[] = {{"stream", SOCK_STREAM}, {"dgram", SOCK_DGRAM},
                                   {"raw", SOCK_RAW}, {"seqpacket", SOCK_SEQPACKET}};
static const struct sym protocols[] = {{"tcp", IPPROTO_TCP}, {"udp", IPPROTO_UDP},
                                       {"icmp", IPPROTO_ICMP}, {"icmpv6", IPPROTO_ICMPV6},
                                       {"raw", IPPROTO_RAW}};
/* include/net/tcp_states.h */
static const struct sym states[] = {
    {"established", 1}, {"syn_sent", 2}, {"syn_recv", 3}, {"fin_wait1", 4},
    {"fin_wait2", 5},   {"time_wait", 6}, {"close", 7},   {"close_wait", 8},
    {"last_ack", 9},    {"listen", 10},   {"closing", 11}, {"new_syn_recv", 12},
};

static bool parse_u64(const char *v, uint64_t max, uint64_t *out)
{
    char *end;
    if (!*v || *v == '-')
        return false;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 0);
    if (errno || *end || x > max)
        return false;
    *out = x;
    return true;
}

static bool parse_sym(const char *v, const struct sym *t, size_t n, uint64_t max, uint32_t *out)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v, t[i].name)) {
            *out = t[i].value;
            return true;
        }
    uint64_t x;
    if (!parse_u64(v, max, &x))
        return false;
    *out = (uint32_t)x;
    return true;
}

/* ADDR, ADDR:PORT, [IPv6]:PORT, or :PORT (the port alone); *got: bit 1
 * an address was given, bit 2 a port. */
static bool parse_endpoint(const char *v, uint32_t *family, uint8_t ip[16], uint16_t *port,
                           uint32_t *got)
{
    char host[64];
    const char *p = NULL;
    size_t hl;
    if (v[0] == '[') {
        const char *close = strchr(v, ']');
        if (!close || (close[1] && close[1] != ':'))
            return false;
        hl = (size_t)(close - v - 1);
        if (hl >= sizeof(host))
            return false;
        memcpy(host, v + 1, hl);
        p = close[1] ? close + 2 : NULL;
    } else {
        const char *colon = strrchr(v, ':');
        /* one colon: ADDR:PORT; more: a bare IPv6 address */
        if (colon && strchr(v, ':') == colon) {
            hl = (size_t)(colon - v);
            p = colon + 1;
        } else {
            hl = strlen(v);
        }
        if (hl >= sizeof(host))
            return false;
        memcpy(host, v, hl);
    }
    host[hl] = 0;
    if (p) {
        uint64_t x;
        if (!parse_u64(p, 65535, &x))
            return false;
        *port = (uint16_t)x;
        *got |= 2;
    }
    if (!hl)
        return p != NULL;
    memset(ip, 0, 16);
    if (inet_pton(AF_INET, host, ip) == 1)
        *family = AF_INET;
    else if (inet_pton(AF_INET6, host, ip) == 1)
        *family = AF_INET6;
    else
        return false;
    *got |= 1;
    return true;
}

/* The plain u32 fields, by name. */
static uint32_t *u32_field(struct helper_socket *s, const char *key, uint32_t *bit)
{
    static const struct {
        const char *name;
        size_t off;
        uint32_t bit;
    } f[] = {
        {"uid", offsetof(struct helper_socket, uid), HELPER_SOCK_UID},
        {"mark", offsetof(struct helper_socket, mark), HELPER_SOCK_MARK},
        {"priority", offsetof(struct helper_socket, priority), HELPER_SOCK_PRIORITY},
        {"bound_dev_if", offsetof(struct helper_socket, bound_dev_if), HELPER_SOCK_DEV},
    };
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        if (!strcmp(key, f[i].name)) {
            *bit = f[i].bit;
            return (uint32_t *)((char *)s + f[i].off);
        }
    return NULL;
}

int helper_socket_set_field(struct helper_socket *s, const char *key, const char *value,
                            char *err, size_t errlen)
{
#define N(t) (sizeof(t) / sizeof((t)[0]))
    uint64_t x;
    uint32_t fam = 0, bit = 0, *u32;
    bool ok;
    if (!strcmp(key, "family")) {
        ok = parse_sym(value, families, N(families), 0xffff, &s->family);
        bit = HELPER_SOCK_FAMILY;
    } else if (!strcmp(key, "type")) {
        ok = parse_sym(value, types, N(types), 0xffff, &s->type);
        bit = HELPER_SOCK_TYPE;
    } else if (!strcmp(key, "protocol")) {
        ok = parse_sym(value, protocols, N(protocols), 0xff, &s->protocol);
        bit = HELPER_SOCK_PROTOCOL;
    } else if (!strcmp(key, "state")) {
        ok = parse_sym(value, states, N(states), 0xff, &s->state);
        bit = HELPER_SOCK_STATE;
    } else if (!strcmp(key, "src") || !strcmp(key, "dst")) {
        bool src = key[0] == 's';
        uint16_t port = UINT16_MAX;
        uint32_t got = 0;
        uint8_t ip[16];
        ok = parse_endpoint(value, &fam, ip, &port, &got);
        if (ok && (got & 1)) {
            memcpy(src ? s->src_ip : s->dst_ip, ip, 16);
            bit |= src ? HELPER_SOCK_SRC_IP : HELPER_SOCK_DST_IP;
            if (!(s->given & HELPER_SOCK_FAMILY) || s->family != fam) {
                s->family = fam;
                bit |= HELPER_SOCK_FAMILY;
            }
        }
        if (ok && (got & 2)) {
            *(src ? &s->src_port : &s->dst_port) = port;
            bit |= src ? HELPER_SOCK_SRC_PORT : HELPER_SOCK_DST_PORT;
        }
    } else if (!strcmp(key, "src_port") || !strcmp(key, "dst_port")) {
        ok = parse_u64(value, 65535, &x);
        if (ok)
            *(key[0] == 's' ? &s->src_port : &s->dst_port) = (uint16_t)x;
        bit = key[0] == 's' ? HELPER_SOCK_SRC_PORT : HELPER_SOCK_DST_PORT;
    } else if ((u32 = u32_field(s, key, &bit))) {
        ok = parse_u64(value, UINT32_MAX, &x);
        if (ok)
            *u32 = (uint32_t)x;
    } else if (!strcmp(key, "cookie")) {
        ok = parse_u64(value, UINT64_MAX, &s->cookie);
        bit = HELPER_SOCK_COOKIE;
    } else if (!strcmp(key, "rx_queue_mapping")) {
        ok = !strcmp(value, "-1") || parse_u64(value, 0xfffe, &x);
        if (ok)
            s->rx_queue_mapping = value[0] == '-' ? -1 : (int32_t)x;
        bit = HELPER_SOCK_RXQ;
    } else if (!strcmp(key, "none")) {
        ok = !strcmp(value, "true") || !strcmp(value, "false");
        s->none = ok && value[0] == 't';
        bit = HELPER_SOCK_NONE;
    } else {
        snprintf(err, errlen,
                 "socket: unknown key '%s' (family, type, protocol, state, src, dst, src_port, "
                 "dst_port, uid, cookie, mark, priority, bound_dev_if, rx_queue_mapping, none)",
                 key);
        return -EINVAL;
    }
    if (!ok) {
        snprintf(err, errlen, "socket: bad %s '%s'", key, value);
        return -EINVAL;
    }
    s->given |= bit;
    return 0;
#undef N
}

void helper_socket_overlay(struct helper_socket *s, const struct helper_socket *o)
{
    uint32_t g = o->given;
#define TAKE(bit, field) do { if (g & (bit)) memcpy(&s->field, &o->field, sizeof(s->field)); } while (0)
    TAKE(HELPER_SOCK_NONE, none);
    TAKE(HELPER_SOCK_FAMILY, family);
    TAKE(HELPER_SOCK_TYPE, type);
    TAKE(HELPER_SOCK_PROTOCOL, protocol);
    TAKE(HELPER_SOCK_STATE, state);
    TAKE(HELPER_SOCK_DEV, bound_dev_if);
    TAKE(HELPER_SOCK_MARK, mark);
    TAKE(HELPER_SOCK_PRIORITY, priority);
    TAKE(HELPER_SOCK_SRC_IP, src_ip);
    TAKE(HELPER_SOCK_DST_IP, dst_ip);
    TAKE(HELPER_SOCK_SRC_PORT, src_port);
    TAKE(HELPER_SOCK_DST_PORT, dst_port);
    TAKE(HELPER_SOCK_RXQ, rx_queue_mapping);
    TAKE(HELPER_SOCK_UID, uid);
    TAKE(HELPER_SOCK_COOKIE, cookie);
#undef TAKE
    s->given |= g;
}

int helper_socket_parse(struct helper_socket *s, const char *spec, char *err, size_t errlen)
{
    char buf[512];
    if (strlen(spec) >= sizeof(buf)) {
        snprintf(err, errlen, "socket: description longer than %zu bytes", sizeof(buf) - 1);
        return -EINVAL;
    }
    strcpy(buf, spec);
    char *save = NULL;
    for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        while (*kv == ' ')
            kv++;
        char *eq = strchr(kv, '=');
        if (!eq) {
            if (!strcmp(kv, "none")) {
                s->none = true;
                s->given |= HELPER_SOCK_NONE;
                continue;
            }
            snprintf(err, errlen, "socket: '%s' is not key=value", kv);
            return -EINVAL;
        }
        *eq = 0;
        int rc = helper_socket_set_field(s, kv, eq + 1, err, errlen);
        if (rc)
            return rc;
    }
    return 0;
}

/* ------------------------------------------------------------- the run */

void helper_sock_set(struct helper_call_ctx *cc, const struct helper_socket *sock)
{
    struct bpf_sock *v = &cc->sk_view;
    cc->sk_pending = false;
    memset(v, 0, sizeof(*v));
    /* a fresh connection's counters, as the socket world's sock_ops shows
     * them: the initial window of 10, no ssthresh yet, the default MSS */
    memset(&cc->tcp_view, 0, sizeof(cc->tcp_view));
    cc->tcp_view.snd_cwnd = 10;
    cc->tcp_view.snd_ssthresh = 0x7fffffff;
    cc->tcp_view.mss_cache = 536;
    cc->sk_present = !sock->none;
    cc->sk_uid = sock->uid;
    cc->sk_cookie = sock->cookie;
    if (sock->none)
        return;
    /* bpf_sock_convert_ctx_access: ports as skc_num (host order) and
     * skc_dport (network order, in the low half of its word) */
    v->bound_dev_if = sock->bound_dev_if;
    v->family = sock->family;
    v->type = sock->type;
    v->protocol = sock->protocol;
    v->mark = sock->mark;
    v->priority = sock->priority;
    v->src_port = sock->src_port;
    v->dst_port = htons(sock->dst_port);
    v->state = sock->state;
    v->rx_queue_mapping = sock->rx_queue_mapping;
    if (sock->family == AF_INET6) {
        memcpy(v->src_ip6, sock->src_ip, 16);
        memcpy(v->dst_ip6, sock->dst_ip, 16);
    } else {
        memcpy(&v->src_ip4, sock->src_ip, 4);
        memcpy(&v->dst_ip4, sock->dst_ip, 4);
    }
    /* cgroup_skb's __sk_buff view of the same socket (sk_rcv_saddr is
     * local, sk_daddr remote; remote_port is skc_dport as stored) */
    struct helper_skb *s = &cc->skb;
    s->family = sock->family;
    s->local_port = sock->src_port;
    s->remote_port = htons(sock->dst_port);
    memcpy(&s->local_ip4, &v->src_ip4, 4);
    memcpy(&s->remote_ip4, &v->dst_ip4, 4);
    memcpy(s->local_ip6, v->src_ip6, 16);
    memcpy(s->remote_ip6, v->dst_ip6, 16);
}

void helper_sock_for_skb(struct helper_call_ctx *cc, const struct helper_socket *given)
{
    cc->sk_given = given;
    cc->sk_pending = true;
}

void helper_sock_fill(struct helper_call_ctx *cc)
{
    struct helper_socket sock;
    const struct helper_skb *s = &cc->skb;
    bool v6 = s->family == AF_INET6;
    helper_socket_test_run_default(&sock, s->family,
                                   v6 ? (const uint8_t *)s->local_ip6 : (const uint8_t *)&s->local_ip4,
                                   v6 ? (const uint8_t *)s->remote_ip6 : (const uint8_t *)&s->remote_ip4);
    if (cc->sk_given)
        helper_socket_overlay(&sock, cc->sk_given);
    helper_sock_set(cc, &sock);
}

int helper_sock_add_region(struct helper_call_ctx *cc, struct vm_run *run)
{
    int rc = vm_run_add_region(run, &cc->sk_view, sizeof(cc->sk_view), VM_REGION_READ, 0,
                               "socket");
    return rc ? rc : vm_run_add_region(run, &cc->tcp_view, sizeof(cc->tcp_view), VM_REGION_READ,
                                       0, "tcp socket");
}

/* ------------------------------------------------------------- helpers */

HELPER_FN(get_socket_uid)
{
    struct helper_call_ctx *cc = helper_cc(run);
    helper_sock_ready(cc);
    return cc->sk_present ? cc->sk_uid : OVERFLOW_UID;
}

HELPER_FN(get_socket_cookie)
{
    struct helper_call_ctx *cc = helper_cc(run);
    /* sock_ops and sk_skb programs run on a socket of the socket world */
    if (cc->prog_type == BPF_PROG_TYPE_SOCK_OPS || cc->prog_type == BPF_PROG_TYPE_SK_SKB)
        return helper_sock_event_cookie(run, r1);
    helper_sock_ready(cc);
    return cc->sk_present ? cc->sk_cookie : 0;
}

/* A socket argument: the run's socket as bpf_sock or as bpf_tcp_sock (one
 * struct sock in the kernel); else a fault (checked runs of unverified
 * programs). */
static bool sock_arg(struct vm_run *run, uint64_t p, const char *helper)
{
    struct helper_call_ctx *cc = helper_cc(run);
    helper_sock_ready(cc);
    if (cc->sk_present &&
        (p == (uintptr_t)&cc->sk_view || p == (uintptr_t)&cc->tcp_view))
        return true;
    vm_run_fault(run, -EFAULT, "%s: R1 0x%llx is not a socket", helper, (unsigned long long)p);
    return false;
}

/* Every socket bpfemu has is a full one (no request or timewait socks). */
HELPER_FN(sk_fullsock)
{
    if (!sock_arg(run, r1, "bpf_sk_fullsock"))
        return 0;
    return (uintptr_t)&helper_cc(run)->sk_view;
}

/* bpf_tcp_sock: a full socket of protocol TCP and type SOCK_STREAM. */
HELPER_FN(tcp_sock)
{
    if (!sock_arg(run, r1, "bpf_tcp_sock"))
        return 0;
    struct helper_call_ctx *cc = helper_cc(run);
    if (cc->sk_view.protocol != IPPROTO_TCP || cc->sk_view.type != SOCK_STREAM)
        return 0;
    return (uintptr_t)&cc->tcp_view;
}
