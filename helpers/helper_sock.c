/* helpers/helper_sock.c - the helpers of sock_ops, sk_msg and sk_skb
 * programs, on the socket world's run (helpers/sock_int.h), with
 * net/core/sock_map.c's and net/core/filter.c's semantics:
 *
 *  - sock_map_update / sock_hash_update: only from the ESTABLISHED and
 *    TCP_LISTEN callbacks (sock_map_op_okay), else -EOPNOTSUPP; then the
 *    map's update rules (flags, -E2BIG, -EEXIST, -ENOENT).
 *  - msg_redirect_map/hash, sk_redirect_map/hash: flags other than
 *    BPF_F_INGRESS, no socket under the key, or a listening one give
 *    SK_DROP; else the target is remembered and SK_PASS returned (the
 *    program still has to return SK_PASS for the redirect to happen).
 *  - msg_apply_bytes, msg_cork_bytes: remembered, 0.
 *  - msg_pull_data(start, end, flags): flags 0, start < end <= size, else
 *    -EINVAL; data and data_end then cover [start, end).
 *  - msg_push_data(start, len, flags): len bytes inserted at start (zeros
 *    here; the kernel's new page holds whatever it held), flags 0 and
 *    start <= size else -EINVAL; msg_pop_data(start, len, flags): len bytes
 *    removed, flags 0, 0 < len, start + len <= size else -EINVAL. After
 *    either, data .. data_end cover [0, start): pull what you read.
 *  - get_socket_cookie: the socket's cookie (sock_ops, sk_skb).
 *  - sock_ops_cb_flags_set: keeps the BPF_SOCK_OPS_ALL_CB_FLAGS bits and
 *    returns the others (0 when all are known); -EINVAL on a request
 *    socket, as setsockopt and getsockopt.
 *  - setsockopt / getsockopt: a recorded no-op for the options below (0),
 *    -EINVAL for others or a wrong optlen; getsockopt answers
 *    TCP_CONGESTION with "cubic" and gives 0 for the integer options
 *    (nothing is stored), zeroing optval when it fails, as the kernel does.
 *    SOL_SOCKET: SO_RCVBUF, SO_SNDBUF, SO_PRIORITY, SO_MARK, SO_KEEPALIVE,
 *    SO_REUSEADDR, SO_REUSEPORT, SO_RCVLOWAT, SO_MAX_PACING_RATE;
 *    SOL_TCP: TCP_NODELAY, TCP_MAXSEG, TCP_KEEPIDLE, TCP_KEEPINTVL,
 *    TCP_KEEPCNT, TCP_SYNCNT, TCP_WINDOW_CLAMP, TCP_USER_TIMEOUT,
 *    TCP_NOTSENT_LOWAT, TCP_CONGESTION ("cubic", "reno"; others -ENOENT),
 *    TCP_BPF_IW, TCP_BPF_SNDCWND_CLAMP; SOL_IP: IP_TOS; SOL_IPV6:
 *    IPV6_TCLASS. */
#include "helpers/helper_fns.h"
#include "helpers/sock_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The run's socket state, after checking r1 is the context. */
static struct sock_run *ctx_run(struct vm_run *run, uint64_t ctx)
{
    struct sock_run *sr = sock_run_of(run);
    if (!sr) {
        vm_run_fault(run, -EINVAL, "socket helper outside a socket event");
        return NULL;
    }
    if (ctx != (uintptr_t)sr->cc.ctx_mem) {
        vm_run_fault(run, -EFAULT, "helper argument ctx: 0x%llx is not the context",
                     (unsigned long long)ctx);
        return NULL;
    }
    return sr;
}

static bool op_okay(uint32_t op)
{
    return op == BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB || op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB ||
           op == BPF_SOCK_OPS_TCP_LISTEN_CB;
}

static uint64_t sock_update(struct vm_run *run, uint64_t ctx, uint64_t map, uint64_t key,
                            uint64_t flags)
{
    struct sock_run *sr = ctx_run(run, ctx);
    struct maps_map *m = sr ? helper_arg_map(run, map) : NULL;
    if (!m || !helper_arg_mem(run, key, maps_get_attr(m)->key_size, false, "key"))
        return 0;
    if (!op_okay(sr->op))
        return (uint64_t)(int64_t)-EOPNOTSUPP;
    return (uint64_t)maps_sock_update(m, (const void *)(uintptr_t)key, sr->sk, sr->sk->cookie,
                                      flags);
}

HELPER_FN(sock_map_update)
{
    return sock_update(run, r1, r2, r3, r4);
}

HELPER_FN(sock_hash_update)
{
    return sock_update(run, r1, r2, r3, r4);
}

/* The redirect helpers: *key_ptr is the key's address (a u32 on the
 * stack of this call for the _map variants). */
static uint64_t redirect(struct vm_run *run, uint64_t ctx, uint64_t map, const void *key,
                         uint64_t flags)
{
    struct sock_run *sr = ctx_run(run, ctx);
    struct maps_map *m = sr ? helper_arg_map(run, map) : NULL;
    if (!m)
        return 0;
    if (flags & ~(uint64_t)BPF_F_INGRESS)
        return SK_DROP;
    struct wsock *t = maps_sock_get(m, key);
    if (!t || t->state == BPF_TCP_LISTEN) /* sock_map_redirect_allowed */
        return SK_DROP;
    sr->redir = t;
    sr->redir_flags = flags;
    return SK_PASS;
}

static uint64_t redirect_index(struct vm_run *run, uint64_t ctx, uint64_t map, uint64_t key,
                               uint64_t flags)
{
    uint32_t k = (uint32_t)key;
    return redirect(run, ctx, map, &k, flags);
}

static uint64_t redirect_key(struct vm_run *run, uint64_t ctx, uint64_t map, uint64_t key,
                             uint64_t flags)
{
    struct maps_map *m = helper_arg_map(run, map);
    if (!m || !helper_arg_mem(run, key, maps_get_attr(m)->key_size, false, "key"))
        return 0;
    return redirect(run, ctx, map, (const void *)(uintptr_t)key, flags);
}

HELPER_FN(msg_redirect_map)
{
    return redirect_index(run, r1, r2, r3, r4);
}

HELPER_FN(msg_redirect_hash)
{
    return redirect_key(run, r1, r2, r3, r4);
}

HELPER_FN(sk_redirect_map)
{
    return redirect_index(run, r1, r2, r3, r4);
}

HELPER_FN(sk_redirect_hash)
{
    return redirect_key(run, r1, r2, r3, r4);
}

HELPER_FN(msg_apply_bytes)
{
    struct sock_run *sr = ctx_run(run, r1);
    if (sr)
        sr->apply_bytes = (uint32_t)r2;
    return 0;
}

HELPER_FN(msg_cork_bytes)
{
    struct sock_run *sr = ctx_run(run, r1);
    if (sr)
        sr->cork_bytes = (uint32_t)r2;
    return 0;
}

HELPER_FN(msg_pull_data)
{
    struct sock_run *sr = ctx_run(run, r1);
    if (!sr)
        return 0;
    uint32_t start = (uint32_t)r2, end = (uint32_t)r3;
    if (r4 || end <= start || start >= sr->msg_len || end > sr->msg_len)
        return (uint64_t)(int64_t)-EINVAL;
    struct helper_pkt *p = &sr->cc.pkt;
    p->data = p->data_meta = sr->msg + start;
    p->data_end = sr->msg + end;
    helper_pkt_sync_region(run);
    return 0;
}

/* The message changed size. data .. data_end then cover its first
 * scatterlist element, as sk_msg_compute_data_pointers leaves them: the
 * kernel splits the element at `start`, so that is [0, start) (checked
 * against Linux 6.18); at start 0, the element the helper put first. */
static void msg_resized(struct vm_run *run, struct sock_run *sr, uint8_t *buf, uint32_t len,
                        uint32_t first)
{
    struct helper_pkt *p = &sr->cc.pkt;
    sr->msg = buf;
    sr->msg_len = len;
    p->buf = p->hard_start = buf;
    p->buf_len = len;
    p->hard_end = buf + len;
    p->data = p->data_meta = buf;
    p->data_end = buf + first;
    helper_pkt_sync_region(run);
}

HELPER_FN(msg_push_data)
{
    struct sock_run *sr = ctx_run(run, r1);
    if (!sr)
        return 0;
    uint32_t start = (uint32_t)r2, len = (uint32_t)r3;
    if (r4 || start > sr->msg_len || (uint64_t)sr->msg_len + len > UINT32_MAX)
        return (uint64_t)(int64_t)-EINVAL;
    if (!len)
        return 0;
    uint8_t *g = realloc(sr->msg, (size_t)sr->msg_len + len + 1);
    if (!g)
        return (uint64_t)(int64_t)-ENOMEM;
    memmove(g + start + len, g + start, sr->msg_len - start);
    memset(g + start, 0, len); /* the kernel's new page is not zeroed: do not rely on it */
    msg_resized(run, sr, g, sr->msg_len + len, start ? start : len);
    return 0;
}

HELPER_FN(msg_pop_data)
{
    struct sock_run *sr = ctx_run(run, r1);
    if (!sr)
        return 0;
    uint32_t start = (uint32_t)r2, len = (uint32_t)r3;
    if (r4 || (uint64_t)start + len > sr->msg_len || !len)
        return (uint64_t)(int64_t)-EINVAL;
    memmove(sr->msg + start, sr->msg + start + len, sr->msg_len - start - len);
    msg_resized(run, sr, sr->msg, sr->msg_len - len, start ? start : sr->msg_len - len);
    return 0;
}

uint64_t helper_sock_event_cookie(struct vm_run *run, uint64_t ctx)
{
    struct sock_run *sr = ctx_run(run, ctx);
    return sr ? sr->sk->cookie : 0;
}

HELPER_FN(sock_ops_cb_flags_set)
{
    struct sock_run *sr = ctx_run(run, r1);
    if (!sr)
        return 0;
    if (sr->req) /* a request socket is no full socket */
        return (uint64_t)(int64_t)-EINVAL;
    uint32_t v = (uint32_t)r2;
    sr->sk->cb_flags = v & BPF_SOCK_OPS_ALL_CB_FLAGS;
    return v & ~(uint32_t)BPF_SOCK_OPS_ALL_CB_FLAGS;
}

/* 1: an int option we accept, 2: TCP_CONGESTION, 0: unknown. */
static int sockopt_kind(int64_t level, int64_t opt)
{
    static const int sol_socket[] = {SO_RCVBUF, SO_SNDBUF, SO_PRIORITY, SO_MARK, SO_KEEPALIVE,
                                     SO_REUSEADDR, SO_REUSEPORT, SO_RCVLOWAT,
                                     SO_MAX_PACING_RATE};
    static const int sol_tcp[] = {TCP_NODELAY, TCP_MAXSEG, TCP_KEEPIDLE, TCP_KEEPINTVL,
                                  TCP_KEEPCNT, TCP_SYNCNT, TCP_WINDOW_CLAMP, TCP_USER_TIMEOUT,
                                  TCP_NOTSENT_LOWAT, TCP_BPF_IW, TCP_BPF_SNDCWND_CLAMP};
    if (level == SOL_SOCKET) {
        for (size_t i = 0; i < sizeof(sol_socket) / sizeof(sol_socket[0]); i++)
            if (opt == sol_socket[i])
                return 1;
    } else if (level == SOL_TCP) {
        if (opt == TCP_CONGESTION)
            return 2;
        for (size_t i = 0; i < sizeof(sol_tcp) / sizeof(sol_tcp[0]); i++)
            if (opt == sol_tcp[i])
                return 1;
    } else if (level == SOL_IP) {
        return opt == IP_TOS;
    } else if (level == SOL_IPV6) {
        return opt == IPV6_TCLASS;
    }
    return 0;
}

static bool cc_known(const char *name, size_t len)
{
    size_t n = strnlen(name, len);
    return (n == 5 && !memcmp(name, "cubic", 5)) || (n == 4 && !memcmp(name, "reno", 4));
}

HELPER_FN(setsockopt)
{
    struct sock_run *sr = ctx_run(run, r1);
    if (!sr || !helper_arg_mem(run, r4, r5, false, "optval"))
        return 0;
    if (sr->req)
        return (uint64_t)(int64_t)-EINVAL;
    int k = sockopt_kind((int64_t)r2, (int64_t)r3);
    if (k == 1)
        return r5 == sizeof(int) ? 0 : (uint64_t)(int64_t)-EINVAL;
    if (k == 2)
        return cc_known((const char *)(uintptr_t)r4, r5) ? 0 : (uint64_t)(int64_t)-ENOENT;
    return (uint64_t)(int64_t)-EINVAL;
}

HELPER_FN(getsockopt)
{
    struct sock_run *sr = ctx_run(run, r1);
    if (!sr || !helper_arg_mem(run, r4, r5, true, "optval"))
        return 0;
    uint8_t *out = (uint8_t *)(uintptr_t)r4;
    int k = sr->req ? 0 : sockopt_kind((int64_t)r2, (int64_t)r3);
    memset(out, 0, r5);
    if (k == 1 && r5 == sizeof(int))
        return 0;
    if (k == 2 && r5 > 5) {
        memcpy(out, "cubic", 6);
        return 0;
    }
    return (uint64_t)(int64_t)-EINVAL;
}
