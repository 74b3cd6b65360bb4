/* helpers/sock_world.c - emulated TCP sockets for sock_ops, sk_msg and
 * sk_skb programs: the sockets, the attachments, the connection events
 * (listen, connect, close, user-space map updates) and program runs on a
 * socket. Sending and receiving are sock_msg.c's.
 *
 * The sock_ops callbacks follow net/ipv4/tcp*.c for a full socket:
 * TCP_LISTEN_CB on listen; TCP_CONNECT_CB (state SYN_SENT) on the active
 * side, then ACTIVE_ESTABLISHED_CB on it and PASSIVE_ESTABLISHED_CB on the
 * accepted socket (the order the handshake completes them); STATE_CB for
 * every state change of a socket with BPF_SOCK_OPS_STATE_CB_FLAG (before
 * the state is stored, as tcp_set_state). Linux 6.18's order, checked by
 * tests/unit/test_sockets.c against the kernel: TCP_CONNECT_CB, then
 * RWND_INIT, TIMEOUT_INIT and NEEDS_ECN on the client (SYN_SENT) and on
 * the listener's request socket (NEW_SYN_RECV, is_fullsock 0), STATE_CB
 * and ACTIVE_ESTABLISHED_CB on the client, PASSIVE_ESTABLISHED_CB on the
 * child while it is still SYN_RECV, then its STATE_CB. close() sends a FIN
 * (FIN_WAIT1, the peer CLOSE_WAIT, FIN_WAIT2, then CLOSE when the orphan
 * becomes a timewait socket; from CLOSE_WAIT: LAST_ACK, CLOSE), or a reset
 * when data is unread (recv reads it) or no connection is up (CLOSE, the
 * peer too); the socket leaves every socket map first (sock_map_close).
 * Cookies count from 1 in creation order (a request socket's reads 0);
 * "fds" from 3. */
#include "helpers/sock_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

const char *helper_sock_op_name(uint32_t op)
{
    static const char *const names[] = {
        "VOID", "TIMEOUT_INIT", "RWND_INIT", "TCP_CONNECT_CB", "ACTIVE_ESTABLISHED_CB",
        "PASSIVE_ESTABLISHED_CB", "NEEDS_ECN", "BASE_RTT", "RTO_CB", "RETRANS_CB", "STATE_CB",
        "TCP_LISTEN_CB", "RTT_CB", "PARSE_HDR_OPT_CB", "HDR_OPT_LEN_CB", "WRITE_HDR_OPT_CB",
    };
    return op < sizeof(names) / sizeof(names[0]) ? names[op] : NULL;
}

/* ------------------------------------------------------------- report ---- */

static const char *keep(struct helper_sock_world *w, const char *s)
{
    if (!s)
        return NULL;
    char **g = realloc(w->strs, (w->n_strs + 1) * sizeof(*g));
    char *d = strdup(s);
    if (!g || !d) {
        free(d);
        if (g)
            w->strs = g;
        return "(out of memory)";
    }
    w->strs = g;
    w->strs[w->n_strs++] = d;
    return d;
}

static void report_reset(struct helper_sock_world *w)
{
    for (size_t i = 0; i < w->n_strs; i++)
        free(w->strs[i]);
    w->n_strs = 0;
    w->rep.n_runs = w->rep.n_deliveries = 0;
    w->rep.result = 0;
    helper_sb_free(&w->trace);
    w->rep.trace = "";
}

static struct helper_sock_prog_run *add_run(struct helper_sock_world *w)
{
    if (w->rep.n_runs == w->cap_runs) {
        size_t cap = w->cap_runs ? w->cap_runs * 2 : 8;
        struct helper_sock_prog_run *g = realloc(w->rep.runs, cap * sizeof(*g));
        if (!g)
            return NULL;
        w->rep.runs = g;
        w->cap_runs = cap;
    }
    struct helper_sock_prog_run *r = &w->rep.runs[w->rep.n_runs++];
    memset(r, 0, sizeof(*r));
    r->op = -1;
    return r;
}

void sock_note_result(struct helper_sock_world *w, const char *fmt, ...)
{
    if (!w->rep.n_runs)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    w->rep.runs[w->rep.n_runs - 1].result = keep(w, buf);
}

void sock_note_delivery(struct helper_sock_world *w, const struct wsock *from,
                        const struct wsock *to, const char *how, size_t len)
{
    if (w->rep.n_deliveries == w->cap_deliv) {
        size_t cap = w->cap_deliv ? w->cap_deliv * 2 : 8;
        struct helper_sock_delivery *g = realloc(w->rep.deliveries, cap * sizeof(*g));
        if (!g)
            return;
        w->rep.deliveries = g;
        w->cap_deliv = cap;
    }
    w->rep.deliveries[w->rep.n_deliveries++] = (struct helper_sock_delivery){
        .from = from ? from->name : NULL, .to = to ? to->name : NULL, .how = keep(w, how),
        .len = (uint32_t)len};
}

const struct helper_sock_event_report *helper_sock_report(const struct helper_sock_world *w)
{
    return &w->rep;
}

/* -------------------------------------------------------------- world ---- */

int helper_sock_world_create(struct helper_env *env, struct helper_sock_world **out, char *err,
                             size_t errlen)
{
    struct helper_sock_world *w = calloc(1, sizeof(*w));
    if (!w)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    w->env = env;
    w->next_cookie = 1;
    w->next_port = 40000;
    w->rep.trace = "";
    *out = w;
    return 0;
}

static void sock_free(struct wsock *s)
{
    free(s->name);
    free(s->rx);
    free(s->cork);
    free(s->strp);
    free(s);
}

void helper_sock_world_destroy(struct helper_sock_world *w)
{
    if (!w)
        return;
    /* the maps outlive the world: no socket may stay in them */
    for (uint32_t i = 0; i < helper_env_map_count(w->env); i++) {
        struct maps_map *m = helper_env_map_at(w->env, i, NULL);
        for (size_t k = 0; m && k < w->n_socks; k++)
            maps_sock_remove(m, w->socks[k]);
        if (m)
            maps_sock_set_resolver(m, NULL, NULL);
    }
    for (size_t i = 0; i < w->n_socks; i++)
        sock_free(w->socks[i]);
    free(w->socks);
    report_reset(w);
    free(w->strs);
    free(w->rep.runs);
    free(w->rep.deliveries);
    free(w);
}

static struct wsock *find(const struct helper_sock_world *w, const char *name)
{
    for (size_t i = 0; i < w->n_socks; i++)
        if (!strcmp(w->socks[i]->name, name))
            return w->socks[i];
    return NULL;
}

size_t helper_sock_count(const struct helper_sock_world *w)
{
    return w->n_socks;
}

const char *helper_sock_name(const struct helper_sock_world *w, size_t i)
{
    return i < w->n_socks ? w->socks[i]->name : NULL;
}

int helper_sock_received(const struct helper_sock_world *w, const char *name,
                         const uint8_t **data, size_t *len)
{
    const struct wsock *s = find(w, name);
    if (!s)
        return -ENOENT;
    *data = s->rx ? s->rx : (const uint8_t *)"";
    *len = s->rx_len;
    return 0;
}

int helper_sock_info(const struct helper_sock_world *w, const char *name, uint64_t *cookie,
                     uint32_t *state)
{
    const struct wsock *s = find(w, name);
    if (!s)
        return -ENOENT;
    if (cookie)
        *cookie = s->cookie;
    if (state)
        *state = s->state;
    return 0;
}

/* sock_map_update_elem_sys's fd: one of our sockets, in a state a socket
 * map takes (sock_map_sk_state_allowed: ESTABLISHED or LISTEN). */
static int resolve_fd(void *ctx, uint32_t fd, void **sock, uint64_t *cookie)
{
    struct helper_sock_world *w = ctx;
    for (size_t i = 0; i < w->n_socks; i++) {
        struct wsock *s = w->socks[i];
        if (s->fd != fd)
            continue;
        if (s->state != BPF_TCP_ESTABLISHED && s->state != BPF_TCP_LISTEN)
            return -EOPNOTSUPP;
        *sock = s;
        *cookie = s->cookie;
        return 0;
    }
    return -EBADF;
}

static const char *attach_name(enum helper_sock_attach k)
{
    switch (k) {
    case HELPER_SOCK_SOCKOPS: return "sockops";
    case HELPER_SOCK_MSG_VERDICT: return "sk_msg";
    case HELPER_SOCK_SKB_VERDICT: return "sk_skb/stream_verdict";
    case HELPER_SOCK_SKB_PARSER: return "sk_skb/stream_parser";
    }
    return "?";
}

int helper_sock_attach(struct helper_sock_world *w, enum helper_sock_attach kind,
                       struct helper_prog *prog, struct maps_map *map, char *err, size_t errlen)
{
    uint32_t want = kind == HELPER_SOCK_SOCKOPS       ? BPF_PROG_TYPE_SOCK_OPS
                    : kind == HELPER_SOCK_MSG_VERDICT ? BPF_PROG_TYPE_SK_MSG
                                                      : BPF_PROG_TYPE_SK_SKB;
    const char *pname = helper_prog_info(prog)->name;
    if (helper_prog_type(prog) != want)
        return helper_err(err, errlen, -EINVAL,
                    "program '%s' cannot be attached as %s: it is not a %s program", pname,
                    attach_name(kind),
                    want == BPF_PROG_TYPE_SOCK_OPS ? "sock_ops"
                    : want == BPF_PROG_TYPE_SK_MSG ? "sk_msg" : "sk_skb");
    if (kind == HELPER_SOCK_SOCKOPS) {
        if (w->sockops)
            return helper_err(err, errlen, -EEXIST, "a sockops program is attached already");
        w->sockops = prog;
        return 0;
    }
    const struct maps_attr *a = map ? maps_get_attr(map) : NULL;
    if (!a || (a->type != BPF_MAP_TYPE_SOCKMAP && a->type != BPF_MAP_TYPE_SOCKHASH))
        return helper_err(err, errlen, -EINVAL,
                    "%s program '%s' is attached to a sockmap or sockhash, and map '%s' is %s",
                    attach_name(kind), pname, a ? a->name : "(none)",
                    a ? maps_type_name(a->type) : "not given");
    struct helper_prog **slot = kind == HELPER_SOCK_MSG_VERDICT ? &w->msg_prog
                                : kind == HELPER_SOCK_SKB_VERDICT ? &w->skb_verdict
                                                                  : &w->skb_parser;
    struct maps_map **mslot = kind == HELPER_SOCK_MSG_VERDICT ? &w->msg_map : &w->skb_map;
    if (*slot)
        return helper_err(err, errlen, -EEXIST, "an %s program is attached already", attach_name(kind));
    if (*mslot && *mslot != map)
        return helper_err(err, errlen, -EINVAL,
                    "the sk_skb parser and verdict must be attached to the same map");
    *slot = prog;
    *mslot = map;
    maps_sock_set_resolver(map, resolve_fd, w);
    return 0;
}

/* Every map of the environment that is a socket map gets the resolver, so
 * user-space updates of maps without programs work too. */
static void set_resolvers(struct helper_sock_world *w)
{
    for (uint32_t i = 0; i < helper_env_map_count(w->env); i++)
        maps_sock_set_resolver(helper_env_map_at(w->env, i, NULL), resolve_fd, w);
}

bool sock_in_any_map(struct helper_sock_world *w, const struct wsock *s)
{
    for (uint32_t i = 0; i < helper_env_map_count(w->env); i++)
        if (maps_sock_contains(helper_env_map_at(w->env, i, NULL), s))
            return true;
    return false;
}

/* ---------------------------------------------------------- prog runs ---- */

int sock_run_prog(struct helper_sock_world *w, struct helper_prog *prog, const char *attach,
                  struct sock_run *sr, uint32_t *ret, char *err, size_t errlen)
{
    vm_ctx_access_fn acc;
    size_t ctx_size;
    switch (helper_prog_type(prog)) {
    case BPF_PROG_TYPE_SOCK_OPS:
        acc = helper_ctx_sock_ops_access;
        ctx_size = sizeof(struct bpf_sock_ops);
        break;
    case BPF_PROG_TYPE_SK_MSG:
        acc = helper_ctx_sk_msg_access;
        ctx_size = sizeof(struct sk_msg_md);
        break;
    default:
        acc = helper_ctx_sk_skb_access;
        ctx_size = sizeof(struct __sk_buff);
        break;
    }
    sr->magic = SOCK_RUN_MAGIC;
    sr->w = w;
    sr->cc.env = w->env;
    sr->cc.prog = prog;
    sr->cc.prog_type = helper_prog_type(prog);
    /* what ->sk points at: the socket as struct bpf_sock (none for a
     * request socket: sock_ops' sk reads NULL there) */
    struct wsock *s = sr->sk;
    struct helper_socket view = {.none = sr->req, .family = s->family, .type = SOCK_STREAM,
                                 .protocol = IPPROTO_TCP, .state = s->state,
                                 .src_port = s->lport, .dst_port = s->rport,
                                 .rx_queue_mapping = -1, .cookie = s->cookie};
    memcpy(view.src_ip, s->laddr, 16);
    memcpy(view.dst_ip, s->raddr, 16);
    helper_sock_set(&sr->cc, &view);
    if (!sr->cc.pkt.data) { /* sock_ops: skb_data == skb_data_end */
        sr->cc.pkt.buf = sr->cc.pkt.hard_start = sr->cc.pkt.data = sr->cc.pkt.data_meta =
            sr->cc.pkt.data_end = sr->cc.pkt.hard_end = sr->no_header;
    }
    struct vm_run *run = malloc(sizeof(*run));
    struct helper_test_run tr = {.repeat = 1};
    struct helper_sock_prog_run *rec = add_run(w);
    if (!run || !rec) {
        free(run);
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    }
    rec->prog = helper_prog_info(prog)->name;
    rec->attach = attach;
    rec->socket = sr->sk->name;
    if (sr->cc.prog_type == BPF_PROG_TYPE_SOCK_OPS)
        rec->op = (int32_t)sr->op;
    char e[512];
    int rc = helper_run_loop(prog, &sr->cc, run, &tr, acc, ctx_size, e, sizeof e);
    free(run);
    if (sr->cc.trace) {
        helper_sb_putn(&w->trace, sr->cc.trace, sr->cc.trace_len);
        w->rep.trace = helper_sb_str(&w->trace);
        free(sr->cc.trace);
        sr->cc.trace = NULL;
        sr->cc.trace_len = sr->cc.trace_cap = 0;
    }
    if (rc)
        return helper_err(err, errlen, rc, "%s on socket '%s': %s", attach, sr->sk->name, e);
    *ret = tr.retval;
    rec->retval = tr.retval;
    rec->reply = sr->reply;
    return 0;
}

/* tcp_call_bpf: the sock_ops program (if any) on one callback. The report
 * keeps its return value and reply (what the kernel hands the TCP stack:
 * reply when it returned 1, else -1; no callback we run uses it). */
static int call_sockops_as(struct helper_sock_world *w, struct wsock *s, uint32_t op,
                           const uint32_t args[4], bool req, char *err, size_t errlen)
{
    if (!w->sockops)
        return 0;
    struct sock_run *sr = calloc(1, sizeof(*sr));
    if (!sr)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    sr->sk = s;
    sr->op = op;
    sr->req = req;
    if (args)
        memcpy(sr->args, args, sizeof(sr->args));
    sr->reply = sr->args[0]; /* one union in struct bpf_sock_ops */
    uint32_t ret;
    int rc = sock_run_prog(w, w->sockops, "sockops", sr, &ret, err, errlen);
    free(sr);
    return rc;
}

static int call_sockops(struct helper_sock_world *w, struct wsock *s, uint32_t op,
                        const uint32_t args[4], char *err, size_t errlen)
{
    return call_sockops_as(w, s, op, args, false, err, errlen);
}

/* The callbacks that set up a connection's parameters (tcp_rwnd_init_bpf,
 * tcp_timeout_init, tcp_bpf_ca_needs_ecn), in the kernel's order; their
 * replies change nothing here (no window, RTO or ECN is emulated). */
static int call_init_ops(struct helper_sock_world *w, struct wsock *s, bool req, char *err,
                         size_t errlen)
{
    static const uint32_t ops[] = {BPF_SOCK_OPS_RWND_INIT, BPF_SOCK_OPS_TIMEOUT_INIT,
                                   BPF_SOCK_OPS_NEEDS_ECN};
    int rc = 0;
    for (size_t i = 0; i < 3 && !rc; i++)
        rc = call_sockops_as(w, s, ops[i], NULL, req, err, errlen);
    return rc;
}

int sock_set_state(struct helper_sock_world *w, struct wsock *s, uint32_t state, char *err,
                   size_t errlen)
{
    uint32_t old = s->state;
    int rc = 0;
    /* tcp_set_state calls back before it stores the new state */
    if (old != state && (s->cb_flags & BPF_SOCK_OPS_STATE_CB_FLAG)) {
        uint32_t args[4] = {old, state, 0, 0};
        rc = call_sockops(w, s, BPF_SOCK_OPS_STATE_CB, args, err, errlen);
    }
    s->state = state;
    return rc;
}

/* ------------------------------------------------------------- events ---- */

static struct wsock *new_sock(struct helper_sock_world *w, const char *name, char *err,
                              size_t errlen)
{
    if (!name || !name[0]) {
        helper_err(err, errlen, -EINVAL, "a socket needs a name");
        return NULL;
    }
    if (find(w, name)) {
        helper_err(err, errlen, -EEXIST, "socket '%s' exists already", name);
        return NULL;
    }
    struct wsock **g = realloc(w->socks, (w->n_socks + 1) * sizeof(*g));
    struct wsock *s = calloc(1, sizeof(*s));
    if (g)
        w->socks = g;
    if (!g || !s || !(s->name = strdup(name))) {
        free(s);
        helper_err(err, errlen, -ENOMEM, "out of memory");
        return NULL;
    }
    s->fd = (uint32_t)w->n_socks + 3;
    s->cookie = w->next_cookie++;
    s->state = BPF_TCP_CLOSE;
    w->socks[w->n_socks++] = s;
    return s;
}

static bool addr_is_any(const struct helper_sock_addr *a)
{
    static const uint8_t zero[16];
    return !memcmp(a->addr, zero, a->family == AF_INET ? 4 : 16);
}

static int check_addr(const struct helper_sock_addr *a, const char *what, char *err,
                      size_t errlen)
{
    if (a->family != AF_INET && a->family != AF_INET6)
        return helper_err(err, errlen, -EINVAL, "%s: family %u: AF_INET or AF_INET6", what, a->family);
    return 0;
}

int helper_sock_listen(struct helper_sock_world *w, const char *name,
                       const struct helper_sock_addr *addr, char *err, size_t errlen)
{
    report_reset(w);
    set_resolvers(w);
    int rc = check_addr(addr, "listen", err, errlen);
    if (rc)
        return rc;
    if (!addr->port)
        return helper_err(err, errlen, -EINVAL, "listen: the address needs a port");
    for (size_t i = 0; i < w->n_socks; i++) {
        const struct wsock *o = w->socks[i];
        if (o->state == BPF_TCP_LISTEN && o->lport == addr->port && o->family == addr->family)
            return helper_err(err, errlen, -EADDRINUSE, "listen: port %u is taken by socket '%s'",
                        addr->port, o->name);
    }
    struct wsock *s = new_sock(w, name, err, errlen);
    if (!s)
        return -EINVAL;
    s->family = addr->family;
    memcpy(s->laddr, addr->addr, 16);
    s->lport = addr->port;
    if ((rc = sock_set_state(w, s, BPF_TCP_LISTEN, err, errlen)))
        return rc;
    return call_sockops(w, s, BPF_SOCK_OPS_TCP_LISTEN_CB, NULL, err, errlen);
}

static struct wsock *listener_for(struct helper_sock_world *w, const struct helper_sock_addr *to)
{
    for (size_t i = 0; i < w->n_socks; i++) {
        struct wsock *s = w->socks[i];
        if (s->state != BPF_TCP_LISTEN || s->family != to->family || s->lport != to->port)
            continue;
        struct helper_sock_addr la = {.family = s->family, .port = s->lport};
        memcpy(la.addr, s->laddr, 16);
        if (addr_is_any(&la) || !memcmp(s->laddr, to->addr, to->family == AF_INET ? 4 : 16))
            return s;
    }
    return NULL;
}

int helper_sock_connect(struct helper_sock_world *w, const char *name,
                        const struct helper_sock_addr *from, const struct helper_sock_addr *to,
                        const char *accept, char *err, size_t errlen)
{
    report_reset(w);
    set_resolvers(w);
    int rc = check_addr(to, "connect: to", err, errlen);
    if (!rc && from && from->family != to->family)
        rc = helper_err(err, errlen, -EINVAL, "connect: from and to are of different families");
    if (rc)
        return rc;
    if (!to->port)
        return helper_err(err, errlen, -EINVAL, "connect: the address connected to needs a port");
    if (accept && find(w, accept))
        return helper_err(err, errlen, -EEXIST, "socket '%s' exists already", accept);
    if (accept && !strcmp(accept, name))
        return helper_err(err, errlen, -EINVAL, "connect: the socket and the accepted one need two names");
    struct wsock *c = new_sock(w, name, err, errlen);
    if (!c)
        return -EINVAL;
    c->family = to->family;
    memcpy(c->raddr, to->addr, 16);
    c->rport = to->port;
    if (from) {
        memcpy(c->laddr, from->addr, 16);
        c->lport = from->port ? from->port : w->next_port++;
    } else {
        if (to->family == AF_INET) {
            static const uint8_t lo4[4] = {127, 0, 0, 1};
            memcpy(c->laddr, lo4, 4);
        } else {
            c->laddr[15] = 1;
        }
        c->lport = w->next_port++;
    }
    if ((rc = sock_set_state(w, c, BPF_TCP_SYN_SENT, err, errlen)) ||
        (rc = call_sockops(w, c, BPF_SOCK_OPS_TCP_CONNECT_CB, NULL, err, errlen)) ||
        (rc = call_init_ops(w, c, false, err, errlen)))
        return rc;
    struct wsock *l = listener_for(w, to);
    if (!l) { /* a RST answers the SYN */
        w->rep.result = -ECONNREFUSED;
        return sock_set_state(w, c, BPF_TCP_CLOSE, err, errlen);
    }
    char defname[160];
    if (!accept) {
        snprintf(defname, sizeof defname, "%s.%u", l->name, l->accepted + 1);
        accept = defname;
    }
    struct wsock *a = new_sock(w, accept, err, errlen);
    if (!a)
        return -EINVAL;
    l->accepted++;
    a->family = c->family;
    memcpy(a->laddr, c->raddr, 16);
    a->lport = c->rport;
    memcpy(a->raddr, c->laddr, 16);
    a->rport = c->lport;
    a->cb_flags = l->cb_flags; /* the child is a clone of the listener */
    c->peer = a;
    a->peer = c;
    /* the SYN makes a request socket (not a full one: NEW_SYN_RECV) */
    struct wsock req = *a;
    char rn[160];
    snprintf(rn, sizeof rn, "%s's request", l->name);
    req.name = (char *)keep(w, rn);
    req.state = BPF_TCP_NEW_SYN_RECV;
    req.cb_flags = 0;
    req.cookie = 0;
    if ((rc = call_init_ops(w, &req, true, err, errlen)))
        return rc;
    /* the SYN-ACK establishes the client; the ACK creates the child in
     * SYN_RECV, which the passive callback sees before ESTABLISHED */
    a->state = BPF_TCP_SYN_RECV;
    if ((rc = sock_set_state(w, c, BPF_TCP_ESTABLISHED, err, errlen)) ||
        (rc = call_sockops(w, c, BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, NULL, err, errlen)) ||
        (rc = call_sockops(w, a, BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB, NULL, err, errlen)))
        return rc;
    return sock_set_state(w, a, BPF_TCP_ESTABLISHED, err, errlen);
}

static struct wsock *open_sock(struct helper_sock_world *w, const char *name, const char *what,
                               char *err, size_t errlen)
{
    struct wsock *s = find(w, name);
    if (!s)
        helper_err(err, errlen, -ENOENT, "%s: no socket named '%s'", what, name);
    return s;
}

int helper_sock_send(struct helper_sock_world *w, const char *name, const void *data, size_t len,
                     char *err, size_t errlen)
{
    report_reset(w);
    struct wsock *s = open_sock(w, name, "send", err, errlen);
    if (!s)
        return -ENOENT;
    if (s->state != BPF_TCP_ESTABLISHED && s->state != BPF_TCP_CLOSE_WAIT)
        return helper_err(err, errlen, -ENOTCONN, "send: socket '%s' is not connected (%s)", name,
                    s->state == BPF_TCP_LISTEN ? "listening" : "closed");
    long sent = 0;
    int rc = sock_sendmsg(w, s, data, len, &sent, err, errlen);
    w->rep.result = sent;
    return rc;
}

int helper_sock_close(struct helper_sock_world *w, const char *name, char *err, size_t errlen)
{
    report_reset(w);
    struct wsock *s = open_sock(w, name, "close", err, errlen);
    if (!s)
        return -ENOENT;
    if (s->state == BPF_TCP_CLOSE)
        return helper_err(err, errlen, -EBADF, "close: socket '%s' is closed already", name);
    /* sock_map_close: out of every map before the state changes */
    for (uint32_t i = 0; i < helper_env_map_count(w->env); i++)
        maps_sock_remove(helper_env_map_at(w->env, i, NULL), s);
    struct wsock *p = s->peer;
    int rc = 0;
    if (s->rx_len > s->rx_read || (s->state != BPF_TCP_ESTABLISHED &&
                                   s->state != BPF_TCP_CLOSE_WAIT)) {
        /* unread data (or no connection to finish): tcp_close resets */
        rc = sock_set_state(w, s, BPF_TCP_CLOSE, err, errlen);
        if (!rc && p && p->state != BPF_TCP_CLOSE)
            rc = sock_set_state(w, p, BPF_TCP_CLOSE, err, errlen);
    } else if (s->state == BPF_TCP_ESTABLISHED) {
        /* FIN: the peer ACKs it; an orphaned FIN_WAIT2 socket gives way to
         * a timewait one at once (tcp_time_wait), a full socket no more */
        if (!(rc = sock_set_state(w, s, BPF_TCP_FIN_WAIT1, err, errlen)) && p &&
            p->state == BPF_TCP_ESTABLISHED)
            rc = sock_set_state(w, p, BPF_TCP_CLOSE_WAIT, err, errlen);
        if (!rc && !(rc = sock_set_state(w, s, BPF_TCP_FIN_WAIT2, err, errlen)))
            rc = sock_set_state(w, s, BPF_TCP_CLOSE, err, errlen);
        if (p)
            p->peer_gone = true;
    } else {
        /* CLOSE_WAIT: FIN, LAST_ACK until the other end (timewait) ACKs */
        if (!(rc = sock_set_state(w, s, BPF_TCP_LAST_ACK, err, errlen)))
            rc = sock_set_state(w, s, BPF_TCP_CLOSE, err, errlen);
    }
    if (p && p->peer == s && s->state == BPF_TCP_CLOSE && p->state == BPF_TCP_CLOSE)
        p->peer = NULL;
    return rc;
}

int helper_sock_recv(struct helper_sock_world *w, const char *name, char *err, size_t errlen)
{
    report_reset(w);
    struct wsock *s = open_sock(w, name, "recv", err, errlen);
    if (!s)
        return -ENOENT;
    if (s->state == BPF_TCP_LISTEN)
        return helper_err(err, errlen, -ENOTCONN, "recv: socket '%s' is listening", name);
    w->rep.result = (long)(s->rx_len - s->rx_read);
    s->rx_read = s->rx_len;
    return 0;
}

int helper_sock_map_update(struct helper_sock_world *w, struct maps_map *m, const void *key,
                           const char *name, uint64_t flags, char *err, size_t errlen)
{
    report_reset(w);
    set_resolvers(w);
    struct wsock *s = open_sock(w, name, "update", err, errlen);
    if (!s)
        return -ENOENT;
    const struct maps_attr *a = maps_get_attr(m);
    uint8_t v[8] = {0};
    uint64_t fd = s->fd;
    memcpy(v, &fd, a->value_size <= 8 ? a->value_size : 8);
    w->rep.result = maps_user_update(m, key, v, flags);
    return 0;
}
