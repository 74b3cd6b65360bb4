/* tools/testspec_sock.c - scripted socket events: parsing (every error
 * names the line and key), running them on the socket world, checking a
 * test's expectations and printing the event reports (tools/testspec_sock.h,
 * docs/sockets.md).
 *
 * The script is checked before anything runs, as far as it can be without
 * the object: socket names (each defined once, by listen, connect or
 * accept, before use), sends only on connected sockets, no use after
 * close, addresses and data. The object's side (programs, maps, keys) is
 * checked when the script runs. */
#include "tools/testspec_sock.h"

#include "bpfemu_test.h"

#include "tools/json.h"
#include "tools/testspec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum ev_kind { EV_LISTEN, EV_CONNECT, EV_SEND, EV_CLOSE, EV_UPDATE, EV_RECV };
static const char *const ev_names[] = {"listen", "connect", "send", "close", "update", "recv"};

struct ts_sock_event {
    enum ev_kind kind;
    unsigned line;
    char *socket, *accept, *map, *key;
    struct helper_sock_addr addr, to; /* listen: addr; connect: from (addr), to */
    bool has_from;
    uint8_t *data;
    size_t len;
    uint64_t flags;
    unsigned key_line;
    /* expectations of this event */
    bool has_result;
    long result;
    char **via, **ran;
    size_t n_via, n_ran;
    bool has_via, has_ran;
    unsigned expect_line;
};

struct ts_sock_recv {
    char *socket;
    uint8_t *data;
    size_t len;
    unsigned line;
};

struct ts_sock_count {
    char *map;
    long count;                /* -1: entries instead */
    const struct ynode *entries; /* {KEY: VALUE (fields)}, checked typed */
    unsigned line;
};

struct ts_sock {
    char *sockops, *msg_prog, *msg_map, *skb_verdict, *skb_parser, *skb_map;
    unsigned attach_line;
    struct ts_sock_event *ev;
    size_t n_ev;
    struct ts_sock_recv *recv;
    size_t n_recv;
    struct ts_sock_count *counts;
    size_t n_counts;
};

/* ------------------------------------------------------------ parsing ---- */

struct pctx {
    char *err;
    size_t errlen;
};

#define fail(c, line, ...) ts_fail((c)->err, (c)->errlen, (line), __VA_ARGS__)

static int keys_in(struct pctx *c, const struct ynode *n, const char *what,
                   const char *const *allowed)
{
    for (size_t i = 0; i < n->n; i++) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = !strcmp(n->keys[i]->str, *a);
        if (!ok) {
            char list[256] = "";
            size_t k = 0;
            for (const char *const *a = allowed; *a && k < sizeof list; a++)
                k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "", *a);
            return fail(c, n->keys[i]->line, "%s: unknown key '%s' (expected one of: %s)", what,
                        n->keys[i]->str, list);
        }
    }
    return 0;
}

static int scalar(struct pctx *c, const struct ynode *map, const char *what, const char *key,
                  bool required, char **out)
{
    const struct ynode *v = ytree_get(map, key);
    if (!v) {
        if (required)
            return fail(c, map->line, "%s: '%s' is missing", what, key);
        return 0;
    }
    if (v->type != Y_SCALAR || ytree_is_null(v))
        return fail(c, v->line, "%s.%s: expected a value, got %s", what, key, ytree_kind(v));
    *out = strdup(v->str);
    return *out ? 0 : fail(c, v->line, "out of memory");
}

/* "10.0.0.1:40000", "[::1]:80", "127.0.0.1" (port 0) */
static int parse_addr(struct pctx *c, const struct ynode *v, const char *what, bool need_port,
                      struct helper_sock_addr *a)
{
    memset(a, 0, sizeof(*a));
    if (v->type != Y_SCALAR)
        return fail(c, v->line, "%s: expected ADDRESS:PORT, got %s", what, ytree_kind(v));
    char buf[128];
    snprintf(buf, sizeof buf, "%s", v->str);
    char *host = buf, *port = NULL;
    if (buf[0] == '[') {
        char *end = strchr(buf, ']');
        if (!end)
            return fail(c, v->line, "%s: '%s': no closing ']'", what, v->str);
        *end = 0;
        host = buf + 1;
        if (end[1] == ':')
            port = end + 2;
        else if (end[1])
            return fail(c, v->line, "%s: '%s': expected ':PORT' after ']'", what, v->str);
    } else {
        char *colon = strrchr(buf, ':');
        if (colon && strchr(buf, ':') == colon) {
            *colon = 0;
            port = colon + 1;
        }
    }
    if (helper_parse_ip4(host, a->addr))
        a->family = AF_INET;
    else if (helper_parse_ip6(host, a->addr))
        a->family = AF_INET6;
    else
        return fail(c, v->line, "%s: '%s' is not an IPv4 or IPv6 address", what, host);
    uint64_t p = 0;
    if (port && (!helper_parse_u64(port, &p) || p > 65535))
        return fail(c, v->line, "%s: port '%s': expected 0..65535", what, port);
    if (need_port && !p)
        return fail(c, v->line, "%s: '%s' needs a port (ADDRESS:PORT)", what, v->str);
    a->port = (uint16_t)p;
    return 0;
}

/* data: "text" or hex: "01 02" */
static int parse_bytes(struct pctx *c, const struct ynode *m, const char *what, bool required,
                       uint8_t **data, size_t *len)
{
    const struct ynode *d = ytree_get(m, "data"), *h = ytree_get(m, "hex");
    if (d && h)
        return fail(c, h->line, "%s: give data or hex, not both", what);
    if (!d && !h)
        return required ? fail(c, m->line, "%s: 'data' (text) or 'hex' (bytes) is missing", what)
                        : 0;
    const struct ynode *v = d ? d : h;
    if (v->type != Y_SCALAR)
        return fail(c, v->line, "%s.%s: expected a value, got %s", what, d ? "data" : "hex",
                    ytree_kind(v));
    if (d) {
        *len = strlen(v->str);
        *data = malloc(*len + 1);
        if (!*data)
            return fail(c, v->line, "out of memory");
        memcpy(*data, v->str, *len + 1);
        return 0;
    }
    if (helper_parse_hex(v->str, data, len))
        return fail(c, v->line, "%s.hex: '%s' is not hex bytes", what, v->str);
    return 0;
}

static const struct {
    const char *name;
    int err;
} errnos[] = {
    {"EACCES", EACCES}, {"EPIPE", EPIPE}, {"ECONNREFUSED", ECONNREFUSED}, {"EINVAL", EINVAL},
    {"ENOENT", ENOENT}, {"EEXIST", EEXIST}, {"E2BIG", E2BIG}, {"EOPNOTSUPP", EOPNOTSUPP},
    {"EBADF", EBADF}, {"ENOSPC", ENOSPC}, {"EPERM", EPERM},
};

static const char *errno_name(long v)
{
    for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
        if (v == -errnos[i].err)
            return errnos[i].name;
    return NULL;
}

static int parse_result(struct pctx *c, const struct ynode *v, long *out)
{
    if (v->type != Y_SCALAR)
        return fail(c, v->line, "expect.result: expected a number or -EACCES-style errno, got %s",
                    ytree_kind(v));
    const char *s = v->str[0] == '-' ? v->str + 1 : v->str;
    for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
        if (!strcmp(s, errnos[i].name)) {
            *out = -errnos[i].err;
            return 0;
        }
    int64_t n;
    if (!helper_parse_i64(v->str, &n))
        return fail(c, v->line, "expect.result: '%s' is neither a number nor an errno name",
                    v->str);
    *out = (long)n;
    return 0;
}

static int parse_list(struct pctx *c, const struct ynode *v, const char *what, char ***out,
                      size_t *n)
{
    if (v->type == Y_SCALAR && !ytree_is_null(v)) {
        *out = calloc(1, sizeof(char *));
        if (!*out || !((*out)[0] = strdup(v->str)))
            return fail(c, v->line, "out of memory");
        *n = 1;
        return 0;
    }
    if (v->type == Y_SCALAR)
        return 0; /* null: an empty list */
    if (v->type != Y_SEQ)
        return fail(c, v->line, "%s: expected a list, got %s", what, ytree_kind(v));
    *out = calloc(v->n + 1, sizeof(char *));
    if (!*out)
        return fail(c, v->line, "out of memory");
    for (size_t i = 0; i < v->n; i++) {
        if (v->items[i]->type != Y_SCALAR)
            return fail(c, v->items[i]->line, "%s: expected values, got %s", what,
                        ytree_kind(v->items[i]));
        if (!((*out)[i] = strdup(v->items[i]->str)))
            return fail(c, v->line, "out of memory");
        (*n)++;
    }
    return 0;
}

static int parse_attach(struct pctx *c, const struct ynode *a, struct ts_sock *s)
{
    static const char *const keys[] = {"sockops", "sk_msg", "sk_skb", NULL};
    if (a->type != Y_MAP)
        return fail(c, a->line, "attach: expected a mapping, got %s", ytree_kind(a));
    int rc = keys_in(c, a, "attach", keys);
    if (rc)
        return rc;
    s->attach_line = a->line;
    const struct ynode *v;
    if ((v = ytree_get(a, "sockops"))) {
        if (v->type != Y_SCALAR || ytree_is_null(v))
            return fail(c, v->line, "attach.sockops: expected a program name, got %s",
                        ytree_kind(v));
        if (!(s->sockops = strdup(v->str)))
            return fail(c, v->line, "out of memory");
    }
    if ((v = ytree_get(a, "sk_msg"))) {
        static const char *const k[] = {"program", "map", NULL};
        if (v->type != Y_MAP)
            return fail(c, v->line, "attach.sk_msg: expected {program: P, map: M}, got %s",
                        ytree_kind(v));
        if ((rc = keys_in(c, v, "attach.sk_msg", k)) ||
            (rc = scalar(c, v, "attach.sk_msg", "program", true, &s->msg_prog)) ||
            (rc = scalar(c, v, "attach.sk_msg", "map", true, &s->msg_map)))
            return rc;
    }
    if ((v = ytree_get(a, "sk_skb"))) {
        static const char *const k[] = {"verdict", "parser", "map", NULL};
        if (v->type != Y_MAP)
            return fail(c, v->line,
                        "attach.sk_skb: expected {verdict: P, parser: P, map: M}, got %s",
                        ytree_kind(v));
        if ((rc = keys_in(c, v, "attach.sk_skb", k)) ||
            (rc = scalar(c, v, "attach.sk_skb", "verdict", true, &s->skb_verdict)) ||
            (rc = scalar(c, v, "attach.sk_skb", "parser", false, &s->skb_parser)) ||
            (rc = scalar(c, v, "attach.sk_skb", "map", true, &s->skb_map)))
            return rc;
    }
    return 0;
}

/* What the script knows of each name while checking it. */
enum nstate { N_LISTEN, N_OPEN, N_CLOSED };
struct names {
    const char **name;
    enum nstate *st;
    size_t n;
};

static long name_at(const struct names *ns, const char *name)
{
    for (size_t i = 0; i < ns->n; i++)
        if (!strcmp(ns->name[i], name))
            return (long)i;
    return -1;
}

static int name_add(struct pctx *c, struct names *ns, const char *name, enum nstate st,
                    unsigned line)
{
    if (name_at(ns, name) >= 0)
        return fail(c, line, "socket '%s' is defined twice", name);
    const char **g = realloc(ns->name, (ns->n + 1) * sizeof(*g));
    if (g)
        ns->name = g;
    enum nstate *h = realloc(ns->st, (ns->n + 1) * sizeof(*h));
    if (h)
        ns->st = h;
    if (!g || !h)
        return fail(c, line, "out of memory");
    ns->name[ns->n] = name;
    ns->st[ns->n++] = st;
    return 0;
}

static int name_use(struct pctx *c, struct names *ns, const char *name, const char *what,
                    unsigned line, long *at)
{
    *at = name_at(ns, name);
    if (*at < 0)
        return fail(c, line, "%s.socket: unknown socket '%s' (sockets are defined by listen, "
                    "connect and its accept)", what, name);
    if (ns->st[*at] == N_CLOSED)
        return fail(c, line, "%s.socket: socket '%s' is closed", what, name);
    return 0;
}

static int parse_event_expect(struct pctx *c, const struct ynode *x, struct ts_sock_event *e)
{
    static const char *const keys[] = {"result", "via", "ran", NULL};
    if (x->type != Y_MAP)
        return fail(c, x->line, "expect: expected a mapping, got %s", ytree_kind(x));
    int rc = keys_in(c, x, "an event's expect", keys);
    if (rc)
        return rc;
    e->expect_line = x->line;
    const struct ynode *v;
    if ((v = ytree_get(x, "result"))) {
        e->has_result = true;
        if ((rc = parse_result(c, v, &e->result)))
            return rc;
    }
    if ((v = ytree_get(x, "via"))) {
        e->has_via = true;
        if ((rc = parse_list(c, v, "expect.via", &e->via, &e->n_via)))
            return rc;
    }
    if ((v = ytree_get(x, "ran"))) {
        e->has_ran = true;
        if ((rc = parse_list(c, v, "expect.ran", &e->ran, &e->n_ran)))
            return rc;
    }
    return 0;
}

static int parse_event(struct pctx *c, const struct ynode *it, struct names *ns,
                       struct ts_sock_event *e)
{
    if (it->type != Y_MAP)
        return fail(c, it->line, "sockets: an event is a mapping (listen:, connect:, send:, "
                    "recv:, close:, update:), got %s", ytree_kind(it));
    e->line = it->line;
    int kind = -1;
    const struct ynode *body = NULL;
    for (size_t i = 0; i < it->n; i++) {
        const char *k = it->keys[i]->str;
        if (!strcmp(k, "expect"))
            continue;
        int found = -1;
        for (int j = 0; j < 6; j++)
            if (!strcmp(k, ev_names[j]))
                found = j;
        if (found < 0)
            return fail(c, it->keys[i]->line, "sockets: unknown event '%s' (expected one of: "
                        "listen, connect, send, recv, close, update; and expect)", k);
        if (kind >= 0)
            return fail(c, it->keys[i]->line, "sockets: one event per list item ('%s' and '%s')",
                        ev_names[kind], k);
        kind = found;
        body = it->items[i];
    }
    if (kind < 0)
        return fail(c, it->line, "sockets: the item has no event");
    e->kind = (enum ev_kind)kind;
    const char *what = ev_names[kind];
    if (body->type != Y_MAP)
        return fail(c, body->line, "%s: expected a mapping ({socket: NAME, ...}), got %s", what,
                    ytree_kind(body));
    static const char *const k_listen[] = {"socket", "addr", NULL};
    static const char *const k_connect[] = {"socket", "from", "to", "accept", NULL};
    static const char *const k_send[] = {"socket", "data", "hex", NULL};
    static const char *const k_close[] = {"socket", NULL};
    static const char *const k_update[] = {"map", "key", "socket", "flags", NULL};
    static const char *const *const keys[] = {k_listen, k_connect, k_send, k_close, k_update,
                                              k_close};
    int rc = keys_in(c, body, what, keys[kind]);
    if (!rc)
        rc = scalar(c, body, what, "socket", true, &e->socket);
    if (rc)
        return rc;
    const struct ynode *v;
    long at;
    switch (e->kind) {
    case EV_LISTEN:
        if (!(v = ytree_get(body, "addr")))
            return fail(c, body->line, "listen: 'addr' is missing");
        if ((rc = parse_addr(c, v, "listen.addr", true, &e->addr)))
            return rc;
        return name_add(c, ns, e->socket, N_LISTEN, body->line);
    case EV_CONNECT:
        if (!(v = ytree_get(body, "to")))
            return fail(c, body->line, "connect: 'to' is missing");
        if ((rc = parse_addr(c, v, "connect.to", true, &e->to)))
            return rc;
        if ((v = ytree_get(body, "from"))) {
            e->has_from = true;
            if ((rc = parse_addr(c, v, "connect.from", false, &e->addr)))
                return rc;
            if (e->addr.family != e->to.family)
                return fail(c, v->line, "connect.from: an %s address connecting to an %s one",
                            e->addr.family == AF_INET ? "IPv4" : "IPv6",
                            e->to.family == AF_INET ? "IPv4" : "IPv6");
        }
        if ((rc = scalar(c, body, what, "accept", false, &e->accept)) ||
            (rc = name_add(c, ns, e->socket, N_OPEN, body->line)))
            return rc;
        return e->accept ? name_add(c, ns, e->accept, N_OPEN, body->line) : 0;
    case EV_SEND:
        if ((rc = name_use(c, ns, e->socket, what, body->line, &at)))
            return rc;
        if (ns->st[at] == N_LISTEN)
            return fail(c, body->line, "send.socket: socket '%s' is listening, not connected",
                        e->socket);
        return parse_bytes(c, body, what, true, &e->data, &e->len);
    case EV_CLOSE:
        if ((rc = name_use(c, ns, e->socket, what, body->line, &at)))
            return rc;
        ns->st[at] = N_CLOSED;
        return 0;
    case EV_RECV:
        if ((rc = name_use(c, ns, e->socket, what, body->line, &at)))
            return rc;
        if (ns->st[at] == N_LISTEN)
            return fail(c, body->line, "recv.socket: socket '%s' is listening, not connected",
                        e->socket);
        return 0;
    case EV_UPDATE:
        if ((rc = name_use(c, ns, e->socket, what, body->line, &at)) ||
            (rc = scalar(c, body, what, "map", true, &e->map)) ||
            (rc = scalar(c, body, what, "key", true, &e->key)))
            return rc;
        e->key_line = ytree_get(body, "key")->line;
        if ((v = ytree_get(body, "flags"))) {
            if (v->type != Y_SCALAR)
                return fail(c, v->line, "update.flags: expected BPF_ANY, BPF_NOEXIST, BPF_EXIST "
                            "or a number");
            if (!strcmp(v->str, "BPF_ANY"))
                e->flags = BPF_ANY;
            else if (!strcmp(v->str, "BPF_NOEXIST"))
                e->flags = BPF_NOEXIST;
            else if (!strcmp(v->str, "BPF_EXIST"))
                e->flags = BPF_EXIST;
            else if (!helper_parse_u64(v->str, &e->flags))
                return fail(c, v->line, "update.flags: '%s': expected BPF_ANY, BPF_NOEXIST, "
                            "BPF_EXIST or a number", v->str);
        }
        return 0;
    }
    return 0;
}

static int parse_expect(struct pctx *c, const struct ynode *x, struct ts_sock *s,
                        const struct names *ns)
{
    static const char *const keys[] = {"received", "maps", NULL};
    if (x->type != Y_MAP)
        return fail(c, x->line, "expect: expected a mapping, got %s", ytree_kind(x));
    int rc = keys_in(c, x, "expect (of a socket test)", keys);
    if (rc)
        return rc;
    const struct ynode *r = ytree_get(x, "received"), *m = ytree_get(x, "maps");
    if (r) {
        if (r->type != Y_MAP)
            return fail(c, r->line, "expect.received: expected {SOCKET: \"bytes\"}, got %s",
                        ytree_kind(r));
        s->recv = calloc(r->n + 1, sizeof(*s->recv));
        if (!s->recv)
            return fail(c, r->line, "out of memory");
        for (size_t i = 0; i < r->n; i++) {
            struct ts_sock_recv *e = &s->recv[s->n_recv++];
            const struct ynode *v = r->items[i];
            e->line = r->keys[i]->line;
            if (!(e->socket = strdup(r->keys[i]->str)))
                return fail(c, e->line, "out of memory");
            if (name_at(ns, e->socket) < 0)
                return fail(c, e->line, "expect.received: unknown socket '%s'", e->socket);
            if (v->type == Y_MAP) {
                static const char *const k[] = {"data", "hex", NULL};
                if ((rc = keys_in(c, v, "expect.received", k)) ||
                    (rc = parse_bytes(c, v, "expect.received", true, &e->data, &e->len)))
                    return rc;
            } else if (v->type == Y_SCALAR) {
                e->len = ytree_is_null(v) && !v->quoted ? 0 : strlen(v->str);
                if (!(e->data = malloc(e->len + 1)))
                    return fail(c, v->line, "out of memory");
                memcpy(e->data, v->str, e->len);
            } else {
                return fail(c, v->line, "expect.received.%s: expected \"bytes\" or {hex: ...}",
                            e->socket);
            }
        }
    }
    if (m) {
        if (m->type != Y_MAP)
            return fail(c, m->line, "expect.maps: expected {MAP: {count: N}}, got %s",
                        ytree_kind(m));
        s->counts = calloc(m->n + 1, sizeof(*s->counts));
        if (!s->counts)
            return fail(c, m->line, "out of memory");
        for (size_t i = 0; i < m->n; i++) {
            struct ts_sock_count *e = &s->counts[s->n_counts++];
            const struct ynode *v = m->items[i], *cnt;
            e->line = m->keys[i]->line;
            if (!(e->map = strdup(m->keys[i]->str)))
                return fail(c, e->line, "out of memory");
            static const char *const k[] = {"count", NULL};
            if (v->type != Y_MAP)
                return fail(c, v->line, "expect.maps.%s: expected {count: N} or {KEY: VALUE}",
                            e->map);
            if (!(cnt = ytree_get(v, "count"))) {
                e->count = -1;
                e->entries = v;
                continue;
            }
            uint64_t u;
            if ((rc = keys_in(c, v, "expect.maps", k)))
                return rc;
            if (cnt->type != Y_SCALAR || !helper_parse_u64(cnt->str, &u) || u > (1u << 30))
                return fail(c, cnt->line, "expect.maps.%s.count: expected a number", e->map);
            e->count = (long)u;
        }
    }
    return 0;
}

int ts_sock_parse(const struct ynode *attach, const struct ynode *sockets,
                  const struct ynode *expect, struct ts_sock **out, char *err, size_t errlen)
{
    struct pctx c = {err, errlen};
    *out = NULL;
    struct ts_sock *s = calloc(1, sizeof(*s));
    struct names ns = {0};
    if (!s)
        return fail(&c, sockets ? sockets->line : 1, "out of memory");
    int rc = attach ? parse_attach(&c, attach, s) : 0;
    if (!rc && !attach)
        rc = fail(&c, sockets->line, "sockets: the file or the test needs 'attach:' (which "
                  "programs run on the sockets)");
    if (!rc && !s->sockops && !s->msg_prog && !s->skb_verdict)
        rc = fail(&c, attach->line, "attach: attaches no program (sockops, sk_msg, sk_skb)");
    if (!rc && sockets->type != Y_SEQ)
        rc = fail(&c, sockets->line, "sockets: expected a list of events, got %s",
                  ytree_kind(sockets));
    if (!rc && !(s->ev = calloc(sockets->n + 1, sizeof(*s->ev))))
        rc = fail(&c, sockets->line, "out of memory");
    for (size_t i = 0; !rc && i < sockets->n; i++) {
        struct ts_sock_event *e = &s->ev[s->n_ev++];
        const struct ynode *x = ytree_get(sockets->items[i], "expect");
        rc = parse_event(&c, sockets->items[i], &ns, e);
        if (!rc && x)
            rc = parse_event_expect(&c, x, e);
    }
    if (!rc && expect)
        rc = parse_expect(&c, expect, s, &ns);
    free(ns.name);
    free(ns.st);
    if (rc) {
        ts_sock_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

const char *ts_sock_program(const struct ts_sock *s)
{
    return s->sockops ? s->sockops : s->msg_prog ? s->msg_prog : s->skb_verdict;
}

static void strs_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void ts_sock_free(struct ts_sock *s)
{
    if (!s)
        return;
    free(s->sockops);
    free(s->msg_prog);
    free(s->msg_map);
    free(s->skb_verdict);
    free(s->skb_parser);
    free(s->skb_map);
    for (size_t i = 0; i < s->n_ev; i++) {
        struct ts_sock_event *e = &s->ev[i];
        free(e->socket);
        free(e->accept);
        free(e->map);
        free(e->key);
        free(e->data);
        strs_free(e->via, e->n_via);
        strs_free(e->ran, e->n_ran);
    }
    free(s->ev);
    for (size_t i = 0; i < s->n_recv; i++) {
        free(s->recv[i].socket);
        free(s->recv[i].data);
    }
    free(s->recv);
    for (size_t i = 0; i < s->n_counts; i++)
        free(s->counts[i].map);
    free(s->counts);
    free(s);
}

/* ------------------------------------------------------------ running ---- */

static int rfail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int rfail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static void list_progs(struct helper_env *env, char *buf, size_t len)
{
    const struct vm_object *obj = helper_env_object(env);
    size_t k = 0;
    buf[0] = 0;
    for (uint32_t i = 0; i < obj->n_progs && k < len; i++)
        k += (size_t)snprintf(buf + k, len - k, "%s%s", i ? ", " : "", obj->progs[i].name);
}

static int attach_one(struct helper_sock_world *w, struct helper_env *env, unsigned line,
                      enum helper_sock_attach kind, const char *key, const char *prog,
                      const char *map, char *err, size_t errlen)
{
    struct helper_prog *p = helper_env_prog(env, prog);
    if (!p) {
        char list[256];
        list_progs(env, list, sizeof list);
        return rfail(err, errlen, "line %u: attach.%s: no program '%s' in the object (programs: %s)",
                     line, key, prog, list);
    }
    struct maps_map *m = NULL;
    if (map && !(m = helper_env_map(env, map)))
        return rfail(err, errlen, "line %u: attach.%s: no map '%s' in the object", line, key, map);
    char e[512];
    if (helper_sock_attach(w, kind, p, m, e, sizeof e))
        return rfail(err, errlen, "line %u: attach.%s: %s", line, key, e);
    return 0;
}

static int attach_all(const struct ts_sock *s, struct helper_sock_world *w,
                      struct helper_env *env, char *err, size_t errlen)
{
    unsigned l = s->attach_line;
    if (s->sockops && attach_one(w, env, l, HELPER_SOCK_SOCKOPS, "sockops", s->sockops, NULL,
                                 err, errlen))
        return -1;
    if (s->msg_prog && attach_one(w, env, l, HELPER_SOCK_MSG_VERDICT, "sk_msg", s->msg_prog,
                                  s->msg_map, err, errlen))
        return -1;
    if (s->skb_parser && attach_one(w, env, l, HELPER_SOCK_SKB_PARSER, "sk_skb.parser",
                                    s->skb_parser, s->skb_map, err, errlen))
        return -1;
    if (s->skb_verdict && attach_one(w, env, l, HELPER_SOCK_SKB_VERDICT, "sk_skb.verdict",
                                     s->skb_verdict, s->skb_map, err, errlen))
        return -1;
    return 0;
}

/* A map key as the script wrote it: an integer of the key's size, or hex
 * bytes of exactly that size. */
static int event_key(const struct ts_sock_event *e, struct maps_map *m, uint8_t *key,
                     char *err, size_t errlen)
{
    uint32_t ks = maps_get_attr(m)->key_size;
    uint64_t u;
    memset(key, 0, ks);
    if (helper_parse_u64(e->key, &u) && ks <= 8) {
        if (ks < 8 && u >> (ks * 8))
            return rfail(err, errlen, "line %u: update.key: %s does not fit the map's %u-byte key",
                         e->key_line, e->key, ks);
        memcpy(key, &u, ks);
        return 0;
    }
    uint8_t *b = NULL;
    size_t n = 0;
    if (helper_parse_hex(e->key, &b, &n) || n != ks) {
        free(b);
        return rfail(err, errlen, "line %u: update.key: '%s': expected a number or %u hex bytes",
                     e->key_line, e->key, ks);
    }
    memcpy(key, b, ks);
    free(b);
    return 0;
}

static int run_event(const struct ts_sock_event *e, struct helper_sock_world *w,
                     struct helper_env *env, char *err, size_t errlen)
{
    char m[512] = "";
    int rc = 0;
    switch (e->kind) {
    case EV_LISTEN:
        rc = helper_sock_listen(w, e->socket, &e->addr, m, sizeof m);
        break;
    case EV_CONNECT:
        rc = helper_sock_connect(w, e->socket, e->has_from ? &e->addr : NULL, &e->to, e->accept,
                                 m, sizeof m);
        break;
    case EV_SEND:
        rc = helper_sock_send(w, e->socket, e->data, e->len, m, sizeof m);
        break;
    case EV_CLOSE:
        rc = helper_sock_close(w, e->socket, m, sizeof m);
        break;
    case EV_RECV:
        rc = helper_sock_recv(w, e->socket, m, sizeof m);
        break;
    case EV_UPDATE: {
        struct maps_map *map = helper_env_map(env, e->map);
        uint8_t key[512];
        if (!map)
            return rfail(err, errlen, "line %u: update.map: no map '%s' in the object", e->line,
                         e->map);
        const struct maps_attr *a = maps_get_attr(map);
        if (a->type != BPF_MAP_TYPE_SOCKMAP && a->type != BPF_MAP_TYPE_SOCKHASH)
            return rfail(err, errlen, "line %u: update.map: '%s' is a %s map, not a sockmap or "
                         "sockhash", e->line, e->map, maps_type_name(a->type));
        if (event_key(e, map, key, err, errlen))
            return -1;
        rc = helper_sock_map_update(w, map, key, e->socket, e->flags, m, sizeof m);
        break;
    }
    }
    if (rc)
        return rfail(err, errlen, "line %u: %s", e->line, m);
    return 0;
}

/* ------------------------------------------------------------ reports ---- */

static void result_text(long r, char *buf, size_t len)
{
    const char *n = r < 0 ? errno_name(r) : NULL;
    if (n)
        snprintf(buf, len, "-%s", n);
    else
        snprintf(buf, len, "%ld", r);
}

static void event_head(const struct ts_sock_event *e, size_t i, struct helper_sb *sb)
{
    char a[64], b[64];
    helper_sb_printf(sb, "event %zu (line %u): %s %s", i + 1, e->line, ev_names[e->kind], e->socket);
    switch (e->kind) {
    case EV_LISTEN:
    case EV_CONNECT: {
        const struct helper_sock_addr *x = e->kind == EV_LISTEN ? &e->addr : &e->to;
        if (x->family == AF_INET)
            helper_fmt_ip4(x->addr, a, sizeof a);
        else
            helper_fmt_ip6(x->addr, a, sizeof a);
        snprintf(b, sizeof b, x->family == AF_INET ? "%s:%u" : "[%s]:%u", a, x->port);
        helper_sb_printf(sb, " %s %s", e->kind == EV_LISTEN ? "on" : "to", b);
        if (e->accept)
            helper_sb_printf(sb, " (accepted as %s)", e->accept);
        break;
    }
    case EV_SEND:
        helper_sb_printf(sb, ", %zu bytes", e->len);
        break;
    case EV_UPDATE:
        helper_sb_printf(sb, " into %s[%s]", e->map, e->key);
        break;
    default:
        break;
    }
}

static void report_text(const struct ts_sock_event *e, size_t i,
                        const struct helper_sock_event_report *r, const char *indent,
                        struct helper_sb *sb)
{
    char res[32];
    helper_sb_printf(sb, "%s", indent);
    event_head(e, i, sb);
    if (e->kind == EV_SEND || e->kind == EV_UPDATE || e->kind == EV_RECV || r->result) {
        result_text(r->result, res, sizeof res);
        helper_sb_printf(sb, ": result %s", res);
    }
    helper_sb_printf(sb, "\n");
    for (size_t k = 0; k < r->n_runs; k++) {
        const struct helper_sock_prog_run *p = &r->runs[k];
        helper_sb_printf(sb, "%s  %s %s on %s", indent, p->attach, p->prog, p->socket);
        if (p->op >= 0) {
            const char *on = helper_sock_op_name((uint32_t)p->op);
            helper_sb_printf(sb, " (op %s)", on ? on : "?");
        }
        helper_sb_printf(sb, ": returned %u", p->retval);
        if (p->result)
            helper_sb_printf(sb, ", %s", p->result);
        helper_sb_printf(sb, "\n");
    }
    for (size_t k = 0; k < r->n_deliveries; k++) {
        const struct helper_sock_delivery *d = &r->deliveries[k];
        helper_sb_printf(sb, "%s  %u bytes from %s", indent, d->len, d->from ? d->from : "?");
        if (d->to)
            helper_sb_printf(sb, " to %s", d->to);
        helper_sb_printf(sb, ": %s\n", d->how);
    }
    if (r->trace && r->trace[0]) {
        const char *p = r->trace;
        while (*p) {
            size_t n = strcspn(p, "\n");
            helper_sb_printf(sb, "%s  trace: %.*s\n", indent, (int)n, p);
            p += n + (p[n] == '\n');
        }
    }
}

static void report_json(const struct ts_sock_event *e, const struct helper_sock_event_report *r,
                        FILE *out)
{
    fprintf(out, "{\"event\": \"%s\", \"line\": %u, \"socket\": ", ev_names[e->kind], e->line);
    json_print_str(out, e->socket);
    fprintf(out, ", \"result\": %ld, \"runs\": [", r->result);
    for (size_t k = 0; k < r->n_runs; k++) {
        const struct helper_sock_prog_run *p = &r->runs[k];
        fprintf(out, "%s{\"program\": ", k ? ", " : "");
        json_print_str(out, p->prog);
        fprintf(out, ", \"attach\": \"%s\", \"socket\": ", p->attach);
        json_print_str(out, p->socket);
        if (p->op >= 0) {
            const char *on = helper_sock_op_name((uint32_t)p->op);
            fprintf(out, ", \"op\": \"%s\", \"reply\": %u", on ? on : "?", p->reply);
        }
        fprintf(out, ", \"retval\": %u", p->retval);
        if (p->result) {
            fprintf(out, ", \"result\": ");
            json_print_str(out, p->result);
        }
        fprintf(out, "}");
    }
    fprintf(out, "], \"deliveries\": [");
    for (size_t k = 0; k < r->n_deliveries; k++) {
        const struct helper_sock_delivery *d = &r->deliveries[k];
        fprintf(out, "%s{\"from\": ", k ? ", " : "");
        json_print_str(out, d->from ? d->from : "");
        fprintf(out, ", \"to\": ");
        if (d->to)
            json_print_str(out, d->to);
        else
            fprintf(out, "null");
        fprintf(out, ", \"how\": ");
        json_print_str(out, d->how);
        fprintf(out, ", \"len\": %u}", d->len);
    }
    fprintf(out, "], \"trace\": ");
    json_print_str(out, r->trace ? r->trace : "");
    fprintf(out, "}\n");
}

/* ----------------------------------------------------------- checking ---- */

static void quoted(struct helper_sb *sb, const uint8_t *p, size_t n)
{
    helper_sb_printf(sb, "\"");
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"' || p[i] == '\\')
            helper_sb_printf(sb, "\\%c", p[i]);
        else if (p[i] == '\n')
            helper_sb_printf(sb, "\\n");
        else if (p[i] == '\r')
            helper_sb_printf(sb, "\\r");
        else if (p[i] < 0x20 || p[i] >= 0x7f)
            helper_sb_printf(sb, "\\x%02x", p[i]);
        else
            helper_sb_printf(sb, "%c", p[i]);
    }
    helper_sb_printf(sb, "\"");
}

static void check_event(const struct ts_sock_event *e, size_t i,
                        const struct helper_sock_event_report *r, struct helper_sb *diff)
{
    char a[32], b[32];
    if (e->has_result && r->result != e->result) {
        result_text(e->result, a, sizeof a);
        result_text(r->result, b, sizeof b);
        helper_sb_printf(diff, "event %zu (line %u) %s %s: result: expected %s, got %s\n", i + 1,
                         e->line, ev_names[e->kind], e->socket, a, b);
    }
    if (e->has_via) {
        bool same = e->n_via == r->n_deliveries;
        for (size_t k = 0; same && k < e->n_via; k++)
            same = !strcmp(e->via[k], r->deliveries[k].how);
        if (!same) {
            helper_sb_printf(diff, "event %zu (line %u) %s %s: via: expected [", i + 1, e->line,
                             ev_names[e->kind], e->socket);
            for (size_t k = 0; k < e->n_via; k++)
                helper_sb_printf(diff, "%s%s", k ? ", " : "", e->via[k]);
            helper_sb_printf(diff, "], got [");
            for (size_t k = 0; k < r->n_deliveries; k++)
                helper_sb_printf(diff, "%s%s", k ? ", " : "", r->deliveries[k].how);
            helper_sb_printf(diff, "]\n");
        }
    }
    if (e->has_ran) {
        /* "prog" or "prog:OP" (OP a sock_ops name: ACTIVE_ESTABLISHED_CB) */
        bool same = e->n_ran == r->n_runs;
        for (size_t k = 0; same && k < e->n_ran; k++) {
            const struct helper_sock_prog_run *p = &r->runs[k];
            const char *colon = strchr(e->ran[k], ':');
            size_t pl = colon ? (size_t)(colon - e->ran[k]) : strlen(e->ran[k]);
            const char *on = p->op >= 0 ? helper_sock_op_name((uint32_t)p->op) : NULL;
            same = strlen(p->prog) == pl && !strncmp(p->prog, e->ran[k], pl) &&
                   (!colon || (on && !strcmp(colon + 1, on)));
        }
        if (!same) {
            helper_sb_printf(diff, "event %zu (line %u) %s %s: ran: expected [", i + 1, e->line,
                             ev_names[e->kind], e->socket);
            for (size_t k = 0; k < e->n_ran; k++)
                helper_sb_printf(diff, "%s%s", k ? ", " : "", e->ran[k]);
            helper_sb_printf(diff, "], got [");
            for (size_t k = 0; k < r->n_runs; k++) {
                const struct helper_sock_prog_run *p = &r->runs[k];
                const char *on = p->op >= 0 ? helper_sock_op_name((uint32_t)p->op) : NULL;
                helper_sb_printf(diff, "%s%s%s%s", k ? ", " : "", p->prog, on ? ":" : "",
                                 on ? on : "");
            }
            helper_sb_printf(diff, "]\n");
        }
    }
}

/* Entries of any map: socket maps their sockets, arrays max_entries,
 * others their keys. */
static long map_count(struct maps_map *m)
{
    const struct maps_attr *a = maps_get_attr(m);
    if (a->type == BPF_MAP_TYPE_SOCKMAP || a->type == BPF_MAP_TYPE_SOCKHASH)
        return maps_sock_count(m);
    uint8_t k[512], nk[512];
    if (a->key_size > sizeof k)
        return -1;
    long n = 0;
    const void *prev = NULL;
    while (maps_user_next_key(m, prev, nk) == 0) {
        n++;
        memcpy(k, nk, a->key_size);
        prev = k;
        if (n > (1l << 30))
            break;
    }
    return n;
}

/* A map's expected entries, typed by the object's BTF as in packet tests;
 * -1 with the reason in msg for a key or value that does not fit. */
static int check_entries(const struct ts_sock_count *c, struct bpfemu_test *t,
                         struct helper_sb *diff, struct helper_sb *msg)
{
    char err[512];
    for (size_t k = 0; k < c->entries->n; k++) {
        struct helper_tfields kf = {0}, vf = {0};
        int rc = -1;
        if (ts_fields(c->entries->keys[k], &kf, err, sizeof err) ||
            ts_fields(c->entries->items[k], &vf, err, sizeof err))
            helper_sb_printf(msg, "%s\n", err);
        else if ((rc = helper_tk_map_expect(t, c->map, &kf, &vf, diff)) < 0)
            helper_sb_printf(msg, "line %u: %s\n", c->entries->keys[k]->line,
                             bpfemu_test_error(t));
        helper_tfields_free(&kf);
        helper_tfields_free(&vf);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int check_end(const struct ts_sock *s, struct helper_sock_world *w,
                     struct bpfemu_test *t, struct helper_sb *diff, struct helper_sb *msg)
{
    struct helper_env *env = helper_tk_env(t);
    for (size_t i = 0; i < s->n_recv; i++) {
        const struct ts_sock_recv *e = &s->recv[i];
        const uint8_t *got;
        size_t len;
        if (helper_sock_received(w, e->socket, &got, &len)) {
            helper_sb_printf(diff, "received %s (line %u): no such socket\n", e->socket, e->line);
            continue;
        }
        if (len == e->len && !memcmp(got, e->data, len))
            continue;
        helper_sb_printf(diff, "received %s (line %u): expected ", e->socket, e->line);
        quoted(diff, e->data, e->len);
        helper_sb_printf(diff, ", got ");
        quoted(diff, got, len);
        helper_sb_printf(diff, "\n");
    }
    for (size_t i = 0; i < s->n_counts; i++) {
        const struct ts_sock_count *c = &s->counts[i];
        struct maps_map *m = helper_env_map(env, c->map);
        if (m && c->entries) {
            if (check_entries(c, t, diff, msg))
                return -1;
            continue;
        }
        if (!m) {
            helper_sb_printf(diff, "maps %s (line %u): no such map in the object\n", c->map,
                             c->line);
            continue;
        }
        long n = map_count(m);
        if (n != c->count)
            helper_sb_printf(diff, "map %s (line %u): expected %ld entries, got %ld\n", c->map,
                             c->line, c->count, n);
    }
    return 0;
}

int ts_sock_test(const struct ts_sock *s, struct bpfemu_test *t, struct helper_sb *msg)
{
    struct helper_env *env = helper_tk_env(t);
    struct helper_sock_world *w;
    char err[1024];
    if (helper_sock_world_create(env, &w, err, sizeof err) ||
        attach_all(s, w, env, err, sizeof err)) {
        helper_sb_printf(msg, "%s\n", err);
        if (w)
            helper_sock_world_destroy(w);
        return -1;
    }
    struct helper_sb log = {0}, diff = {0};
    int rc = 0;
    for (size_t i = 0; i < s->n_ev; i++) {
        if (run_event(&s->ev[i], w, env, err, sizeof err)) {
            helper_sb_printf(msg, "%s\n", err);
            rc = -1;
            break;
        }
        const struct helper_sock_event_report *r = helper_sock_report(w);
        report_text(&s->ev[i], i, r, "  ", &log);
        check_event(&s->ev[i], i, r, &diff);
    }
    if (!rc)
        rc = check_end(s, w, t, &diff, msg);
    if (!rc && diff.len) {
        helper_sb_printf(msg, "%sevents:\n%s", helper_sb_str(&diff), helper_sb_str(&log));
        rc = 1;
    }
    helper_sb_free(&log);
    helper_sb_free(&diff);
    helper_sock_world_destroy(w);
    return rc;
}

int ts_sock_print(const struct ts_sock *s, struct helper_env *env, bool json, FILE *out,
                  char *err, size_t errlen)
{
    struct helper_sock_world *w;
    if (helper_sock_world_create(env, &w, err, errlen))
        return -1;
    int rc = attach_all(s, w, env, err, errlen);
    for (size_t i = 0; !rc && i < s->n_ev; i++) {
        if ((rc = run_event(&s->ev[i], w, env, err, errlen)))
            break;
        const struct helper_sock_event_report *r = helper_sock_report(w);
        if (json) {
            report_json(&s->ev[i], r, out);
        } else {
            struct helper_sb sb = {0};
            report_text(&s->ev[i], i, r, "", &sb);
            fputs(helper_sb_str(&sb), out);
            helper_sb_free(&sb);
        }
    }
    if (!rc && !json) {
        /* what every socket holds at the end */
        for (size_t i = 0; i < helper_sock_count(w); i++) {
            const char *name = helper_sock_name(w, i);
            const uint8_t *d;
            size_t len;
            helper_sock_received(w, name, &d, &len);
            if (!len)
                continue;
            struct helper_sb sb = {0};
            quoted(&sb, d, len);
            fprintf(out, "received %s: %s\n", name, helper_sb_str(&sb));
            helper_sb_free(&sb);
        }
    }
    helper_sock_world_destroy(w);
    return rc ? -1 : 0;
}
