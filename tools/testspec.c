/* tools/testspec.c - test files for `bpfemu test`: YAML checked key by key
 * and turned into cases (tools/testspec.h). Every error names the line. */
#include "tools/testspec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/pcap_packet.h"
#include "tools/testspec_sock.h"
#include "tools/tools.h"

struct ctx {
    char *err;
    size_t errlen;
    const char *dir;           /* the test file's directory */
    char *tp_format;           /* the file's tracepoint_format:, resolved */
};

int ts_fail(char *err, size_t errlen, unsigned line, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "line %u: ", line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -EINVAL;
}
#define fail(c, line, ...) ts_fail((c)->err, (c)->errlen, (line), __VA_ARGS__)

/* Every key of map `n` must be one of `allowed` (NULL-terminated). */
static int check_keys(struct ctx *c, const struct ynode *n, const char *what,
                      const char *const *allowed)
{
    for (size_t i = 0; i < n->n; i++) {
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = !strcmp(*a, n->keys[i]->str);
        if (ok)
            continue;
        char list[512];
        size_t k = 0;
        list[0] = 0;
        for (const char *const *a = allowed; *a && k < sizeof list; a++)
            k += (size_t)snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "", *a);
        return fail(c, n->keys[i]->line, "unknown key '%s' in %s (expected one of: %s)",
                    n->keys[i]->str, what, list);
    }
    return 0;
}

static int want(struct ctx *c, const struct ynode *n, enum ynode_type t, const char *what)
{
    if (n->type == t)
        return 0;
    return fail(c, n->line, "%s must be %s, not %s", what,
                t == Y_MAP ? "a mapping" : t == Y_SEQ ? "a list" : "a value", ytree_kind(n));
}

static int get_u64(struct ctx *c, const struct ynode *n, const char *what, uint64_t max,
                   uint64_t *out)
{
    int rc = want(c, n, Y_SCALAR, what);
    if (rc)
        return rc;
    if (!helper_parse_u64(n->str, out) || *out > max)
        return fail(c, n->line, "%s: '%s' is not a number from 0 to %llu", what, n->str,
                    (unsigned long long)max);
    return 0;
}

/* An integer that may be negative (return values: -2 is -ENOENT). */
static int get_value(struct ctx *c, const struct ynode *n, const char *what, uint64_t *out)
{
    int rc = want(c, n, Y_SCALAR, what);
    if (rc)
        return rc;
    int64_t i;
    if (helper_parse_u64(n->str, out))
        return 0;
    if (helper_parse_i64(n->str, &i)) {
        *out = (uint64_t)i;
        return 0;
    }
    return fail(c, n->line, "%s: '%s' is not a number", what, n->str);
}

/* ------------------------------------------------------------- fields ---- */

static int add_fields(const struct ynode *n, const char *path, struct helper_tfields *out,
                      char *err, size_t errlen, int depth)
{
    if (depth > 16) {
        snprintf(err, errlen, "line %u: nested too deeply", n->line);
        return -EINVAL;
    }
    char sub[256];
    switch (n->type) {
    case Y_SCALAR:
        if (ytree_is_null(n)) {
            snprintf(err, errlen, "line %u: %s%sneeds a value", n->line, path, path[0] ? " " : "");
            return -EINVAL;
        }
        return helper_tfields_add(out, path, n->str, n->line);
    case Y_MAP:
        for (size_t i = 0; i < n->n; i++) {
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] ? "." : "", n->keys[i]->str);
            int rc = add_fields(n->items[i], sub, out, err, errlen, depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    case Y_SEQ:
        for (size_t i = 0; i < n->n; i++) {
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            int rc = add_fields(n->items[i], sub, out, err, errlen, depth + 1);
            if (rc)
                return rc;
        }
        return 0;
    }
    return -EINVAL;
}

int ts_fields(const struct ynode *n, struct helper_tfields *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    int rc = add_fields(n, "", out, err, errlen, 0);
    if (rc == -ENOMEM)
        snprintf(err, errlen, "out of memory");
    if (rc)
        helper_tfields_free(out);
    return rc;
}

/* ------------------------------------------------------------ packets ---- */

static int layer_fields(struct ctx *c, struct helper_pktspec *s, const struct ynode *v,
                        const char *layer)
{
    if (ytree_is_null(v))
        return 0;
    if (v->type == Y_SCALAR)
        return helper_pktspec_add_field(s, NULL, v->str, v->line);
    if (v->type == Y_SEQ)
        return fail(c, v->line, "%s: fields are name: value pairs (a mapping), not a list", layer);
    for (size_t i = 0; i < v->n; i++) {
        const struct ynode *fv = v->items[i];
        char buf[512];
        if (fv->type == Y_MAP)
            return fail(c, fv->line, "%s.%s: a value, not a mapping", layer, v->keys[i]->str);
        if (fv->type == Y_SEQ) { /* flags: [SYN, ACK] */
            size_t k = 0;
            buf[0] = 0;
            for (size_t j = 0; j < fv->n; j++) {
                if (fv->items[j]->type != Y_SCALAR)
                    return fail(c, fv->items[j]->line, "%s.%s: a list of values", layer,
                                v->keys[i]->str);
                k += (size_t)snprintf(buf + k, k < sizeof buf ? sizeof buf - k : 0, "%s%s",
                                      j ? "|" : "", fv->items[j]->str);
            }
        } else {
            if (ytree_is_null(fv))
                return fail(c, fv->line, "%s.%s needs a value", layer, v->keys[i]->str);
            snprintf(buf, sizeof buf, "%s", fv->str);
        }
        int rc = helper_pktspec_add_field(s, v->keys[i]->str, buf, v->keys[i]->line);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_layer(struct ctx *c, struct helper_pktspec *s, const char *name, unsigned line,
                     const struct ynode *v)
{
    int rc = helper_pktspec_add_layer(s, name, line);
    return rc ? rc : layer_fields(c, s, v, name);
}

/* Layers as a list ([eth: {...}, ipv4: {...}]) or a mapping in order. */
static int packet_layers(struct ctx *c, const struct ynode *n, struct helper_pktspec *s)
{
    memset(s, 0, sizeof(*s));
    int rc = 0;
    if (n->type == Y_MAP) {
        for (size_t i = 0; i < n->n && !rc; i++)
            rc = add_layer(c, s, n->keys[i]->str, n->keys[i]->line, n->items[i]);
    } else {
        for (size_t i = 0; i < n->n && !rc; i++) {
            const struct ynode *it = n->items[i];
            if (it->type == Y_SCALAR)
                rc = add_layer(c, s, it->str, it->line, NULL);
            else if (it->type == Y_MAP && it->n == 1)
                rc = add_layer(c, s, it->keys[0]->str, it->keys[0]->line, it->items[0]);
            else
                rc = fail(c, it->line, "a layer is 'name' or 'name: {fields}' (one key)");
        }
    }
    if (rc == -ENOMEM)
        rc = fail(c, n->line, "out of memory");
    if (rc)
        helper_pktspec_free(s);
    return rc;
}

static bool hex_only(const char *s)
{
    uint8_t *b;
    size_t n;
    if (helper_parse_hex(s, &b, &n))
        return false;
    free(b);
    return n > 0;
}

/* A packet: hex bytes, a packet string ("eth / ipv4(...)"), layers, or
 * {pcap: FILE, index: N}, built to bytes now; an expected packet may also
 * be "unchanged". `fields` (expect.packet_fields): a packet string or
 * layers whose given fields are matched, kept as a spec. */
static int parse_packet(struct ctx *c, const struct ynode *n, bool expect, bool fields,
                        struct ts_packet *p)
{
    memset(p, 0, sizeof(*p));
    p->line = n->line;
    char e[512];
    if (n->type == Y_SCALAR) {
        if (expect && !strcmp(n->str, "unchanged")) {
            p->kind = TS_PKT_UNCHANGED;
            return 0;
        }
        if (hex_only(n->str)) {
            if (fields)
                return fail(c, n->line, "packet_fields: layers and fields, not hex bytes (use packet:)");
            p->kind = TS_PKT_BYTES;
            return helper_parse_hex(n->str, &p->bytes, &p->len) ? fail(c, n->line, "out of memory") : 0;
        }
        struct helper_pktspec s;
        if (helper_pktspec_parse(n->str, &s, e, sizeof e))
            return fail(c, n->line, "packet: not hex bytes, and as a packet string: %s", e);
        if (fields) {
            p->kind = TS_PKT_FIELDS;
            p->spec = s;
            return 0;
        }
        int rc = helper_pkt_build(&s, &p->bytes, &p->len, e, sizeof e);
        helper_pktspec_free(&s);
        p->kind = TS_PKT_BYTES;
        return rc ? fail(c, n->line, "packet: %s", e) : 0;
    }
    const struct ynode *pcap = ytree_get(n, "pcap");
    if (pcap && fields)
        return fail(c, n->line, "packet_fields: layers and fields, not a pcap packet (use packet:)");
    if (pcap) {
        static const char *const keys[] = {"pcap", "index", NULL};
        uint64_t index = 0;
        int rc = check_keys(c, n, "a pcap packet", keys);
        const struct ynode *ix = ytree_get(n, "index");
        if (!rc && ix)
            rc = get_u64(c, ix, "index", UINT32_MAX, &index);
        if (!rc)
            rc = want(c, pcap, Y_SCALAR, "pcap");
        if (rc)
            return rc;
        char path[4096];
        if (pcap->str[0] == '/' || !strcmp(c->dir, "."))
            snprintf(path, sizeof path, "%s", pcap->str);
        else
            snprintf(path, sizeof path, "%s/%s", c->dir, pcap->str);
        if (pcap_read_packet_err(path, index, &p->bytes, &p->len, e, sizeof e))
            return fail(c, pcap->line, "%s", e);
        p->kind = TS_PKT_BYTES;
        return 0;
    }
    struct helper_pktspec s;
    int rc = packet_layers(c, n, &s);
    if (rc)
        return rc;
    if (fields) {
        p->kind = TS_PKT_FIELDS;
        p->spec = s;
        return 0;
    }
    rc = helper_pkt_build(&s, &p->bytes, &p->len, e, sizeof e);
    helper_pktspec_free(&s);
    p->kind = TS_PKT_BYTES;
    return rc ? (strncmp(e, "line ", 5) ? fail(c, n->line, "packet: %s", e)
                                        : (snprintf(c->err, c->errlen, "%s", e), -EINVAL))
              : 0;
}

static void packet_free(struct ts_packet *p)
{
    free(p->bytes);
    helper_pktspec_free(&p->spec);
    memset(p, 0, sizeof(*p));
}

/* --------------------------------------------------------------- maps ---- */

static int push_entry(struct ctx *c, struct ts_map *m, const struct ts_entry *e)
{
    struct ts_entry *g = realloc(m->e, (m->n + 1) * sizeof(*g));
    if (!g)
        return fail(c, e->line, "out of memory");
    m->e = g;
    g[m->n++] = *e;
    return 0;
}

static int get_str(struct ctx *c, const struct ynode *map, const char *key, char **out);

static int parse_map(struct ctx *c, const struct ynode *key, const struct ynode *v, bool expect,
                     struct ts_map *m)
{
    memset(m, 0, sizeof(*m));
    m->count = -1;
    m->line = key->line;
    m->name = strdup(key->str);
    if (!m->name)
        return fail(c, key->line, "out of memory");
    const char *name = key->str;
    if (v->type == Y_SCALAR)
        return fail(c, v->line, "map '%s': entries are a list of {key, value} or a mapping of "
                    "key: value, not a single value", name);
    if (v->type == Y_MAP && name[0] == '.') /* a global-data section's variables */
        return push_entry(c, m, &(struct ts_entry){.key_str = "0", .value = v, .line = v->line});
    if (v->type == Y_MAP && expect && (ytree_get(v, "records") || ytree_get(v, "count") ||
                                       ytree_get(v, "type"))) {
        static const char *const keys[] = {"records", "count", "type", NULL};
        int rc = check_keys(c, v, "ring buffer records", keys);
        const struct ynode *r = ytree_get(v, "records"), *cnt = ytree_get(v, "count");
        uint64_t u;
        if (!rc)
            rc = get_str(c, v, "type", &m->record_type);
        if (!rc && r && !(rc = want(c, r, Y_SEQ, "records")))
            m->records = r;
        if (!rc && cnt && !(rc = get_u64(c, cnt, "count", 1u << 30, &u)))
            m->count = (long)u;
        return rc;
    }
    if (v->type == Y_MAP) {
        for (size_t i = 0; i < v->n; i++) {
            const struct ynode *val = v->items[i];
            struct ts_entry e = {.key = v->keys[i], .value = val, .line = v->keys[i]->line};
            if (expect && val->type == Y_SCALAR && !val->quoted && !strcmp(val->str, "absent")) {
                e.value = NULL;
                e.absent = true;
            } else if (ytree_is_null(val)) {
                return fail(c, val->line, "map '%s': key %s needs a value", name, v->keys[i]->str);
            }
            int rc = push_entry(c, m, &e);
            if (rc)
                return rc;
        }
        return 0;
    }
    static const char *const keys[] = {"key", "value", "values", "absent", NULL};
    for (size_t i = 0; i < v->n; i++) {
        const struct ynode *it = v->items[i];
        int rc = want(c, it, Y_MAP, "a map entry");
        if (!rc)
            rc = check_keys(c, it, "a map entry", keys);
        if (rc)
            return rc;
        struct ts_entry e = {.key = ytree_get(it, "key"), .value = ytree_get(it, "value"),
                             .values = ytree_get(it, "values"), .line = it->line};
        const struct ynode *absent = ytree_get(it, "absent");
        if (absent) {
            if (!expect)
                return fail(c, absent->line, "'absent' is for expectations");
            e.absent = absent->type == Y_SCALAR && !strcmp(absent->str, "true");
        }
        if (e.values && (rc = want(c, e.values, Y_SEQ, "values")))
            return rc;
        if (e.value && e.values)
            return fail(c, it->line, "map '%s': give value or values (per CPU), not both", name);
        if (!e.value && !e.values && !e.absent)
            return fail(c, it->line, "map '%s': an entry needs a value%s", name,
                        expect ? " (or absent: true)" : "");
        if (!e.key && expect)
            return fail(c, it->line, "map '%s': an expected entry needs a key", name);
        if ((rc = push_entry(c, m, &e)))
            return rc;
    }
    return 0;
}

static int parse_maps(struct ctx *c, const struct ynode *n, bool expect, struct ts_map **out,
                      size_t *nout)
{
    int rc = want(c, n, Y_MAP, "maps");
    if (rc)
        return rc;
    *out = calloc(n->n + 1, sizeof(**out));
    if (!*out)
        return fail(c, n->line, "out of memory");
    for (size_t i = 0; i < n->n; i++) {
        rc = parse_map(c, n->keys[i], n->items[i], expect, &(*out)[i]);
        (*nout)++;
        if (rc)
            return rc;
    }
    return 0;
}

static void maps_free(struct ts_map *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].name);
        free(m[i].record_type);
        free(m[i].e);
    }
    free(m);
}

/* -------------------------------------------------------------- mocks ---- */

static int parse_mock(struct ctx *c, const struct ynode *key, const struct ynode *v,
                      struct ts_mock *m)
{
    memset(m, 0, sizeof(*m));
    m->line = key->line;
    m->helper = strdup(key->str);
    if (!m->helper)
        return fail(c, key->line, "out of memory");
    int32_t id = vm_helper_id(key->str);
    if (id < 0)
        return fail(c, key->line, "mocks: no helper named '%s'", key->str);
    int rc;
    if (v->type == Y_SCALAR || v->type == Y_SEQ) {
        const struct ynode *one = v;
        size_t n = v->type == Y_SEQ ? v->n : 1;
        if (!n)
            return fail(c, v->line, "mock of %s: no values", key->str);
        m->kind = TS_MOCK_VALUES;
        m->vals = calloc(n, sizeof(uint64_t));
        if (!m->vals)
            return fail(c, v->line, "out of memory");
        for (size_t i = 0; i < n; i++) {
            if ((rc = get_value(c, v->type == Y_SEQ ? v->items[i] : one, key->str, &m->vals[i])))
                return rc;
            m->n++;
        }
        return 0;
    }
    bool fib = id == BPF_FUNC_fib_lookup;
    static const char *const keys[] = {"ret", "values", "out", NULL};
    static const char *const fib_keys[] = {"ret", "ifindex", "smac", "dmac", "mtu_result",
                                           "rt_metric", "h_vlan_proto", "h_vlan_TCI", "ipv4_dst",
                                           "ipv6_dst", "ipv4_src", "ipv6_src", NULL};
    if ((rc = check_keys(c, v, fib ? "a fib_lookup mock" : "a mock", fib ? fib_keys : keys)))
        return rc;
    const struct ynode *ret = ytree_get(v, "ret"), *vals = ytree_get(v, "values"),
                       *out = ytree_get(v, "out");
    if (vals) {
        if (ret || out)
            return fail(c, v->line, "mock of %s: values, or ret (with out), not both", key->str);
        free(m->helper); /* parse_mock starts over on the list */
        return parse_mock(c, key, vals, m);
    }
    if (ret && (rc = get_value(c, ret, "ret", &m->ret)))
        return rc;
    if (fib) {
        struct helper_sb sb = {0};
        for (size_t i = 0; i < v->n; i++) {
            if (!strcmp(v->keys[i]->str, "ret"))
                continue;
            if ((rc = want(c, v->items[i], Y_SCALAR, v->keys[i]->str))) {
                helper_sb_free(&sb);
                return rc;
            }
            helper_sb_printf(&sb, "%s%s=%s", sb.len ? ", " : "", v->keys[i]->str, v->items[i]->str);
        }
        m->kind = TS_MOCK_FIB;
        m->fib = strdup(helper_sb_str(&sb));
        helper_sb_free(&sb);
        return m->fib ? 0 : fail(c, v->line, "out of memory");
    }
    if (!out)
        return fail(c, v->line, "mock of %s: give ret (and out), or values", key->str);
    static const char *const out_keys[] = {"arg", "hex", NULL};
    const struct ynode *arg = ytree_get(out, "arg"), *hex = ytree_get(out, "hex");
    uint64_t a;
    if ((rc = want(c, out, Y_MAP, "out")) || (rc = check_keys(c, out, "out", out_keys)))
        return rc;
    if (!arg || !hex)
        return fail(c, out->line, "out needs arg (1 to 5) and hex (the bytes to write)");
    if ((rc = get_u64(c, arg, "arg", 5, &a)) || (rc = want(c, hex, Y_SCALAR, "hex")))
        return rc;
    if (a < 1)
        return fail(c, arg->line, "arg: 1 to 5");
    if (helper_parse_hex(hex->str, &m->bytes, &m->len))
        return fail(c, hex->line, "hex: '%s' is not hex bytes", hex->str);
    m->kind = TS_MOCK_OUT;
    m->arg = (unsigned)a;
    return 0;
}

static int parse_mocks(struct ctx *c, const struct ynode *n, struct ts_mock **out, size_t *nout)
{
    int rc = want(c, n, Y_MAP, "mocks");
    if (rc)
        return rc;
    *out = calloc(n->n + 1, sizeof(**out));
    if (!*out)
        return fail(c, n->line, "out of memory");
    for (size_t i = 0; i < n->n; i++) {
        rc = parse_mock(c, n->keys[i], n->items[i], &(*out)[i]);
        (*nout)++;
        if (rc)
            return rc;
    }
    return 0;
}

static void mocks_free(struct ts_mock *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].helper);
        free(m[i].vals);
        free(m[i].bytes);
        free(m[i].fib);
    }
    free(m);
}

/* ------------------------------------------------------------- expect ---- */

static int parse_lines(struct ctx *c, const struct ynode *n, const char *what,
                       struct ts_trace **out, size_t *nout)
{
    size_t cnt = n->type == Y_SEQ ? n->n : 1;
    if (n->type == Y_MAP)
        return fail(c, n->line, "%s: a line or a list of lines", what);
    *out = calloc(cnt + 1, sizeof(**out));
    if (!*out)
        return fail(c, n->line, "out of memory");
    for (size_t i = 0; i < cnt; i++) {
        const struct ynode *it = n->type == Y_SEQ ? n->items[i] : n;
        int rc = want(c, it, Y_SCALAR, what);
        if (rc)
            return rc;
        (*out)[i].text = strdup(it->str);
        (*out)[i].line = it->line;
        (*nout)++;
        if (!(*out)[i].text)
            return fail(c, it->line, "out of memory");
    }
    return 0;
}

static int parse_calls(struct ctx *c, const struct ynode *n, struct ts_expect *x)
{
    int rc = want(c, n, Y_MAP, "calls");
    if (rc)
        return rc;
    x->calls = calloc(n->n + 1, sizeof(*x->calls));
    if (!x->calls)
        return fail(c, n->line, "out of memory");
    static const char *const keys[] = {"count", "min", "max", "args", NULL};
    for (size_t i = 0; i < n->n; i++) {
        struct ts_call *cl = &x->calls[x->n_calls++];
        const struct ynode *v = n->items[i];
        cl->helper = strdup(n->keys[i]->str);
        cl->line = n->keys[i]->line;
        cl->count = cl->min = cl->max = -1;
        if (!cl->helper)
            return fail(c, cl->line, "out of memory");
        if (vm_helper_id(cl->helper) < 0)
            return fail(c, cl->line, "calls: no helper named '%s'", cl->helper);
        uint64_t u;
        if (v->type == Y_SCALAR) {
            if ((rc = get_u64(c, v, "calls", 1u << 30, &u)))
                return rc;
            cl->count = (long)u;
            continue;
        }
        if ((rc = want(c, v, Y_MAP, "calls")) || (rc = check_keys(c, v, "calls", keys)))
            return rc;
        const struct ynode *k;
        if ((k = ytree_get(v, "count")) && !(rc = get_u64(c, k, "count", 1u << 30, &u)))
            cl->count = (long)u;
        if (!rc && (k = ytree_get(v, "min")) && !(rc = get_u64(c, k, "min", 1u << 30, &u)))
            cl->min = (long)u;
        if (!rc && (k = ytree_get(v, "max")) && !(rc = get_u64(c, k, "max", 1u << 30, &u)))
            cl->max = (long)u;
        if (!rc && (k = ytree_get(v, "args"))) {
            if ((rc = want(c, k, Y_SEQ, "args")))
                return rc;
            if (k->n > 5)
                return fail(c, k->line, "args: a helper has at most 5 arguments");
            for (size_t j = 0; j < k->n; j++) {
                const struct ynode *a = k->items[j];
                if (ytree_is_null(a) || (a->type == Y_SCALAR && !strcmp(a->str, "_")))
                    continue;
                if ((rc = get_value(c, a, "args", &u)))
                    return rc;
            }
            cl->args = k;
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_expect(struct ctx *c, const struct ynode *n, struct ts_expect *x)
{
    memset(x, 0, sizeof(*x));
    x->packet_len = -1;
    x->present = true;
    x->line = n->line;
    static const char *const keys[] = {"action", "return", "error", "packet", "packet_fields",
                                       "packet_len", "maps", "trace", "trace_contains", "calls",
                                       "ctx", NULL};
    int rc = want(c, n, Y_MAP, "expect");
    if (!rc)
        rc = check_keys(c, n, "expect", keys);
    if (rc)
        return rc;
    const struct ynode *v;
    if ((v = ytree_get(n, "action")) && !(rc = want(c, v, Y_SCALAR, "action")))
        x->action = v;
    /* return: the same check, the name tracing programs' authors use */
    if (!rc && (v = ytree_get(n, "return"))) {
        if (x->action)
            rc = fail(c, v->line, "expect action or return, not both");
        else if (!(rc = want(c, v, Y_SCALAR, "return")))
            x->action = v;
    }
    if (!rc && (v = ytree_get(n, "error")) && !(rc = want(c, v, Y_SCALAR, "error"))) {
        x->error = strdup(v->str);
        x->error_line = v->line;
        if (!x->error)
            rc = fail(c, v->line, "out of memory");
        if (x->action)
            rc = fail(c, v->line, "expect either an action or an error, not both");
    }
    if (!rc && (v = ytree_get(n, "packet")))
        rc = parse_packet(c, v, true, false, &x->packet);
    if (!rc && (v = ytree_get(n, "packet_fields"))) {
        if (x->packet.kind != TS_PKT_NONE)
            rc = fail(c, v->line, "expect packet (whole) or packet_fields, not both");
        else
            rc = parse_packet(c, v, true, true, &x->packet);
    }
    uint64_t u;
    if (!rc && (v = ytree_get(n, "packet_len")) && !(rc = get_u64(c, v, "packet_len", 1u << 20, &u))) {
        x->packet_len = (long)u;
        x->packet_len_line = v->line;
    }
    if (!rc && (v = ytree_get(n, "maps")))
        rc = parse_maps(c, v, true, &x->maps, &x->n_maps);
    if (!rc && (v = ytree_get(n, "trace"))) {
        x->has_trace = true;
        x->trace_line = v->line;
        if (!(v->type == Y_SEQ && v->n == 0))
            rc = parse_lines(c, v, "trace", &x->trace, &x->n_trace);
    }
    if (!rc && (v = ytree_get(n, "trace_contains")))
        rc = parse_lines(c, v, "trace_contains", &x->contains, &x->n_contains);
    if (!rc && (v = ytree_get(n, "calls")))
        rc = parse_calls(c, v, x);
    if (!rc && (v = ytree_get(n, "ctx"))) {
        if (!(rc = want(c, v, Y_MAP, "ctx")) && ts_fields(v, &x->ctx, c->err, c->errlen))
            rc = -EINVAL;
    }
    return rc;
}

static void expect_free(struct ts_expect *x)
{
    free(x->error);
    packet_free(&x->packet);
    maps_free(x->maps, x->n_maps);
    for (size_t i = 0; i < x->n_trace; i++)
        free(x->trace[i].text);
    free(x->trace);
    for (size_t i = 0; i < x->n_contains; i++)
        free(x->contains[i].text);
    free(x->contains);
    for (size_t i = 0; i < x->n_calls; i++)
        free(x->calls[i].helper);
    free(x->calls);
    helper_tfields_free(&x->ctx);
}

/* -------------------------------------------------------------- cases ---- */

/* packet / ctx / repeat / expect of a case or a step */
static int parse_run(struct ctx *c, const struct ynode *n, struct ts_step *s)
{
    const struct ynode *v;
    int rc = 0;
    s->repeat = 1;
    s->expect.packet_len = -1;
    s->line = n->line;
    if ((v = ytree_get(n, "packet")))
        rc = parse_packet(c, v, false, false, &s->packet);
    if (!rc && (v = ytree_get(n, "event"))) {
        if (s->packet.kind != TS_PKT_NONE)
            rc = fail(c, v->line, "a packet or an event, not both");
        else if (!(s->event = calloc(1, sizeof *s->event)))
            rc = fail(c, v->line, "out of memory");
        else if (ts_event_parse(v, s->event, c->err, c->errlen)) {
            free(s->event);
            s->event = NULL;
            rc = -EINVAL;
        }
    }
    if (!rc && (v = ytree_get(n, "ctx")) && s->event)
        rc = fail(c, v->line, "ctx: an event is its own context (fields, regs or args)");
    if (!rc && (v = ytree_get(n, "ctx"))) {
        s->has_ctx = true;
        if (!(rc = want(c, v, Y_MAP, "ctx")) && ts_fields(v, &s->ctx, c->err, c->errlen))
            rc = -EINVAL;
    }
    if (!rc && (v = ytree_get(n, "socket"))) {
        s->has_socket = true;
        if (!(rc = want(c, v, Y_MAP, "socket")) && ts_fields(v, &s->socket, c->err, c->errlen))
            rc = -EINVAL;
        /* the keys and values are checked now, not at the run */
        struct helper_socket probe = {0};
        char e[256];
        for (size_t i = 0; !rc && i < s->socket.n; i++)
            if (helper_socket_set_field(&probe, s->socket.f[i].path, s->socket.f[i].value, e,
                                        sizeof e))
                rc = fail(c, s->socket.f[i].line ? s->socket.f[i].line : v->line, "%s", e);
    }
    uint64_t u;
    if (!rc && (v = ytree_get(n, "repeat")) && !(rc = get_u64(c, v, "repeat", 1u << 24, &u))) {
        if (!u)
            rc = fail(c, v->line, "repeat: at least 1");
        s->repeat = (uint32_t)u;
    }
    if (!rc && (v = ytree_get(n, "expect")))
        rc = parse_expect(c, v, &s->expect);
    if (!rc && (v = ytree_get(n, "name"))) {
        if (!(rc = want(c, v, Y_SCALAR, "name")) && !(s->name = strdup(v->str)))
            rc = fail(c, v->line, "out of memory");
    }
    return rc;
}

static void step_free(struct ts_step *s)
{
    free(s->name);
    packet_free(&s->packet);
    if (s->event)
        ts_event_free(s->event);
    free(s->event);
    helper_tfields_free(&s->ctx);
    helper_tfields_free(&s->socket);
    expect_free(&s->expect);
}

static char *resolve_path(struct ctx *c, const char *p)
{
    if (p[0] == '/' || !strcmp(c->dir, "."))
        return strdup(p);
    size_t n = strlen(c->dir) + strlen(p) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", c->dir, p);
    return s;
}

static int get_str(struct ctx *c, const struct ynode *map, const char *key, char **out)
{
    const struct ynode *v = ytree_get(map, key);
    if (!v)
        return 0;
    int rc = want(c, v, Y_SCALAR, key);
    if (rc)
        return rc;
    free(*out);
    *out = strdup(v->str);
    return *out ? 0 : fail(c, v->line, "out of memory");
}

static int parse_case(struct ctx *c, struct ts_file *f, const struct ynode *n, struct ts_case *tc,
                      const char *object, const char *program, uint32_t ncpus)
{
    static const char *const keys[] = {"name", "object", "program", "section", "ncpus", "cpu",
                                       "maps", "mocks", "skip", "packet", "ctx", "socket", "repeat",
                                       "expect", "steps", "event", "tracepoint_format",
                                       "attach", "sockets", NULL};
    static const char *const step_keys[] = {"name", "packet", "event", "ctx", "socket", "repeat",
                                            "expect",
                                            NULL};
    int rc = want(c, n, Y_MAP, "a test");
    if (!rc)
        rc = check_keys(c, n, "a test", keys);
    if (rc)
        return rc;
    tc->line = n->line;
    const struct ynode *v = ytree_get(n, "name");
    if (!v)
        return fail(c, n->line, "a test needs a name");
    if ((rc = get_str(c, n, "name", &tc->name)))
        return rc;
    for (size_t i = 0; i < f->n_cases; i++)
        if (f->cases[i].name && &f->cases[i] != tc && !strcmp(f->cases[i].name, tc->name))
            return fail(c, v->line, "two tests named '%s' (the other on line %u)", tc->name,
                        f->cases[i].line);
    char *obj = NULL, *prog = program ? strdup(program) : NULL;
    if ((rc = get_str(c, n, "object", &obj)) || (rc = get_str(c, n, "section", &prog)) ||
        (rc = get_str(c, n, "program", &prog))) {
        free(obj);
        free(prog);
        return rc;
    }
    tc->program = prog;
    tc->object = obj ? resolve_path(c, obj) : object ? strdup(object) : NULL;
    free(obj);
    if (!tc->object)
        return fail(c, n->line, "test '%s': no object (give object: at the top of the file or in "
                    "the test)", tc->name);
    uint64_t u;
    tc->ncpus = ncpus;
    if ((v = ytree_get(n, "ncpus")) && !(rc = get_u64(c, v, "ncpus", 1024, &u))) {
        if (!u)
            return fail(c, v->line, "ncpus: at least 1");
        tc->ncpus = (uint32_t)u;
    }
    if (!rc && (v = ytree_get(n, "cpu")) && !(rc = get_u64(c, v, "cpu", 1023, &u)))
        tc->cpu = (uint32_t)u;
    if (!rc && tc->cpu >= (tc->ncpus ? tc->ncpus : 1))
        rc = fail(c, v->line, "cpu %u: the test has %u CPUs (ncpus)", tc->cpu, tc->ncpus ? tc->ncpus : 1);
    if (!rc && (v = ytree_get(n, "skip"))) {
        if (!(rc = want(c, v, Y_SCALAR, "skip")))
            tc->skip = strdup(v->str[0] ? v->str : "skipped");
    }
    if (!rc && (v = ytree_get(n, "maps")))
        rc = parse_maps(c, v, false, &tc->maps, &tc->n_maps);
    if (!rc && (v = ytree_get(n, "mocks")))
        rc = parse_mocks(c, v, &tc->mocks, &tc->n_mocks);
    char *fmt = NULL;
    if (!rc && !(rc = get_str(c, n, "tracepoint_format", &fmt))) {
        tc->tp_format = fmt ? resolve_path(c, fmt) : c->tp_format ? strdup(c->tp_format) : NULL;
        if ((fmt || c->tp_format) && !tc->tp_format)
            rc = fail(c, n->line, "out of memory");
    }
    free(fmt);
    if (rc)
        return rc;
    const struct ynode *sockets = ytree_get(n, "sockets");
    if (sockets || ytree_get(n, "attach")) {
        const struct ynode *attach = ytree_get(n, "attach");
        if (!sockets)
            return fail(c, attach->line, "test '%s': attach: goes with sockets:", tc->name);
        for (const char *const *k = step_keys + 1; *k; k++)
            if (strcmp(*k, "expect") && ytree_get(n, *k))
                return fail(c, ytree_get(n, *k)->line,
                            "test '%s': '%s' is for packet tests, not socket tests", tc->name, *k);
        if (ytree_get(n, "steps"))
            return fail(c, ytree_get(n, "steps")->line,
                        "test '%s': 'steps' is for packet tests, not socket tests", tc->name);
        return ts_sock_parse(attach ? attach : f->sock_attach, sockets, ytree_get(n, "expect"),
                             &tc->sock, c->err, c->errlen);
    }
    const struct ynode *steps = ytree_get(n, "steps");
    if (steps) {
        for (const char *const *k = step_keys + 1; *k; k++)
            if (ytree_get(n, *k))
                return fail(c, ytree_get(n, *k)->line,
                            "test '%s': '%s' belongs in each step when the test has steps",
                            tc->name, *k);
        if ((rc = want(c, steps, Y_SEQ, "steps")))
            return rc;
        if (!steps->n)
            return fail(c, steps->line, "steps: empty");
        tc->steps = calloc(steps->n, sizeof(*tc->steps));
        if (!tc->steps)
            return fail(c, steps->line, "out of memory");
        for (size_t i = 0; i < steps->n; i++) {
            const struct ynode *s = steps->items[i];
            tc->n_steps++;
            if ((rc = want(c, s, Y_MAP, "a step")) || (rc = check_keys(c, s, "a step", step_keys)) ||
                (rc = parse_run(c, s, &tc->steps[i])))
                return rc;
            if (i == 0 && tc->steps[0].packet.kind == TS_PKT_NONE && !tc->steps[0].event)
                return fail(c, s->line, "the first step needs a packet (or an event)");
            if (i > 0 && !tc->steps[i].event != !tc->steps[0].event)
                return fail(c, s->line, "steps: every step of a test runs on an event, or none");
        }
        return 0;
    }
    tc->steps = calloc(1, sizeof(*tc->steps));
    if (!tc->steps)
        return fail(c, n->line, "out of memory");
    tc->n_steps = 1;
    if ((rc = parse_run(c, n, &tc->steps[0])))
        return rc;
    if (tc->steps[0].packet.kind == TS_PKT_NONE && !tc->steps[0].event)
        return fail(c, n->line, "test '%s' needs a packet, an event (or steps)", tc->name);
    return 0;
}

static void case_free(struct ts_case *tc)
{
    free(tc->name);
    free(tc->object);
    free(tc->program);
    free(tc->skip);
    free(tc->tp_format);
    maps_free(tc->maps, tc->n_maps);
    mocks_free(tc->mocks, tc->n_mocks);
    ts_sock_free(tc->sock);
    for (size_t i = 0; i < tc->n_steps; i++)
        step_free(&tc->steps[i]);
    free(tc->steps);
}

void ts_free(struct ts_file *f)
{
    for (size_t i = 0; i < f->n_cases; i++)
        case_free(&f->cases[i]);
    free(f->cases);
    maps_free(f->maps, f->n_maps);
    mocks_free(f->mocks, f->n_mocks);
    ytree_free(f->root);
    free(f->path);
    free(f->suite);
    memset(f, 0, sizeof(*f));
}

int ts_load(const char *path, struct ts_file *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof(*f));
    uint8_t *buf;
    size_t len;
    int rc = cli_read_file_errno(path, &buf, &len);
    if (rc) {
        snprintf(err, errlen, "%s", strerror(rc));
        return -rc;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        snprintf(dir, sizeof dir, ".");
    struct ctx c = {err, errlen, dir, NULL};
    f->path = strdup(path);
    const char *base = cli_basename(path);
    f->suite = strdup(base);
    if (f->suite) {
        char *dot = strrchr(f->suite, '.');
        if (dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml")))
            *dot = 0;
    }
    f->root = ytree_load((const char *)buf, len, err, errlen);
    free(buf);
    if (!f->root || !f->path || !f->suite) {
        if (f->root)
            snprintf(err, errlen, "out of memory");
        ts_free(f);
        return -EINVAL;
    }
    static const char *const keys[] = {"name", "object", "program", "section", "ncpus", "maps",
                                       "mocks", "tests", "tracepoint_format", "attach", NULL};
    char *object = NULL, *program = NULL, *suite = NULL;
    uint32_t ncpus = 1;
    const struct ynode *v;
    uint64_t u;
    rc = want(&c, f->root, Y_MAP, "a test file");
    if (!rc)
        rc = check_keys(&c, f->root, "a test file", keys);
    if (!rc)
        rc = get_str(&c, f->root, "object", &object);
    if (!rc && !(rc = get_str(&c, f->root, "section", &program)))
        rc = get_str(&c, f->root, "program", &program);
    if (!rc && !(rc = get_str(&c, f->root, "name", &suite)) && suite) {
        free(f->suite);
        f->suite = suite;
    }
    if (!rc && (v = ytree_get(f->root, "ncpus")) && !(rc = get_u64(&c, v, "ncpus", 1024, &u))) {
        ncpus = (uint32_t)u;
        if (!u)
            rc = fail(&c, v->line, "ncpus: at least 1");
    }
    char *objpath = !rc && object ? resolve_path(&c, object) : NULL;
    char *tp_format = NULL;
    if (!rc && !(rc = get_str(&c, f->root, "tracepoint_format", &tp_format)) && tp_format &&
        !(c.tp_format = resolve_path(&c, tp_format)))
        rc = fail(&c, f->root->line, "out of memory");
    free(tp_format);
    if (!rc && (v = ytree_get(f->root, "maps")))
        rc = parse_maps(&c, v, false, &f->maps, &f->n_maps);
    if (!rc && (v = ytree_get(f->root, "mocks")))
        rc = parse_mocks(&c, v, &f->mocks, &f->n_mocks);
    f->sock_attach = ytree_get(f->root, "attach");
    const struct ynode *tests = ytree_get(f->root, "tests");
    if (!rc && !tests)
        rc = fail(&c, f->root->line, "no tests: the file needs a 'tests:' list");
    if (!rc)
        rc = want(&c, tests, Y_SEQ, "tests");
    if (!rc) {
        f->cases = calloc(tests->n + 1, sizeof(*f->cases));
        if (!f->cases)
            rc = fail(&c, tests->line, "out of memory");
        for (size_t i = 0; !rc && i < tests->n; i++) {
            f->n_cases++;
            rc = parse_case(&c, f, tests->items[i], &f->cases[i], objpath, program, ncpus);
        }
    }
    free(object);
    free(objpath);
    free(program);
    free(c.tp_format);
    if (rc)
        ts_free(f);
    return rc;
}
