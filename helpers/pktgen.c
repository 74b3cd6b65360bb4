/* helpers/pktgen.c - packets from header fields, for tests.
 *
 * A packet is a list of layers, each with fields given as text:
 *
 *     eth(src=02:00:00:00:00:01) / vlan(100) / ipv4(src=203.0.113.7, dst=10.0.0.1)
 *         / tcp(dport=80, flags=SYN|ACK) / payload("hello")
 *
 * Fields not given take defaults (helpers/pkt_fields.c); EtherTypes and
 * protocol numbers follow the next layer, lengths the packet, and
 * checksums (IPv4 header, TCP/UDP/ICMPv6 with the pseudo-header of the
 * nearest IP layer before them, ICMP) are computed - unless given. A
 * `truncate(N)` layer cuts the finished packet to N bytes (lengths and
 * checksums stay those of the whole packet: a truncated frame). */
#include "helpers/pkt_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- spec ---- */

int helper_pktspec_add_layer(struct helper_pktspec *s, const char *kind, unsigned line)
{
    struct helper_pktspec_layer *g = realloc(s->l, (s->n + 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    s->l = g;
    struct helper_pktspec_layer *l = &s->l[s->n];
    memset(l, 0, sizeof(*l));
    l->kind = strdup(kind);
    l->line = line;
    if (!l->kind)
        return -ENOMEM;
    s->n++;
    return 0;
}

int helper_pktspec_add_field(struct helper_pktspec *s, const char *name, const char *value,
                             unsigned line)
{
    if (!s->n)
        return -EINVAL;
    struct helper_pktspec_layer *l = &s->l[s->n - 1];
    struct helper_pktspec_field *g = realloc(l->f, (l->n + 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    l->f = g;
    g[l->n].name = name ? strdup(name) : NULL;
    g[l->n].value = strdup(value);
    g[l->n].line = line;
    if ((name && !g[l->n].name) || !g[l->n].value) {
        free(g[l->n].name);
        free(g[l->n].value);
        return -ENOMEM;
    }
    l->n++;
    return 0;
}

void helper_pktspec_free(struct helper_pktspec *s)
{
    for (size_t i = 0; i < s->n; i++) {
        for (size_t k = 0; k < s->l[i].n; k++) {
            free(s->l[i].f[k].name);
            free(s->l[i].f[k].value);
        }
        free(s->l[i].f);
        free(s->l[i].kind);
    }
    free(s->l);
    s->l = NULL;
    s->n = 0;
}

/* A quoted string with C escapes, from p (at the quote); the text after it
 * in *end. */
static int parse_quoted(const char *p, const char **end, struct helper_sb *out)
{
    char q = *p++;
    while (*p && *p != q) {
        char c = *p++;
        if (c == '\\' && *p) {
            c = *p++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '0': c = '\0'; break;
            case 'x': {
                unsigned v = 0;
                int k = 0;
                for (; k < 2 && isxdigit((unsigned char)*p); k++, p++) {
                    int d = tolower((unsigned char)*p);
                    v = v * 16 + (unsigned)(isdigit(d) ? d - '0' : d - 'a' + 10);
                }
                if (!k)
                    return -1;
                c = (char)v;
                break;
            }
            default: break; /* \\ \" \' and anything else: itself */
            }
        }
        helper_sb_putn(out, &c, 1);
    }
    if (*p != q)
        return -1;
    *end = p + 1;
    if (!out->buf)
        helper_sb_putn(out, "", 0);
    return 0;
}

int helper_pktspec_parse(const char *text, struct helper_pktspec *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    const char *p = text;
    int rc = 0;
#define COL ((int)(p - text) + 1)
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        const char *n0 = p;
        while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
            p++;
        if (p == n0) {
            rc = helper_err(err, errlen, -EINVAL,
                         "column %d: expected a layer name (eth, vlan, arp, ipv4, ipv6, tcp, udp, "
                         "icmp, icmpv6, payload, truncate)", COL);
            goto fail;
        }
        char kind[32];
        snprintf(kind, sizeof kind, "%.*s", (int)(p - n0), n0);
        if ((rc = helper_pktspec_add_layer(s, kind, 0)))
            goto fail;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '(') {
            p++;
            for (;;) {
                while (isspace((unsigned char)*p))
                    p++;
                if (*p == ')') {
                    p++;
                    break;
                }
                /* [name =] value */
                const char *a0 = p;
                char name[64] = "";
                while (isalnum((unsigned char)*p) || *p == '_')
                    p++;
                const char *a1 = p;
                while (isspace((unsigned char)*p))
                    p++;
                if (*p == '=' && a1 > a0) {
                    snprintf(name, sizeof name, "%.*s", (int)(a1 - a0), a0);
                    p++;
                    while (isspace((unsigned char)*p))
                        p++;
                } else {
                    p = a0;
                }
                struct helper_sb v = {0};
                if (*p == '"' || *p == '\'') {
                    if (parse_quoted(p, &p, &v)) {
                        helper_sb_free(&v);
                        rc = helper_err(err, errlen, -EINVAL, "column %d: unterminated string", COL);
                        goto fail;
                    }
                } else {
                    const char *v0 = p;
                    while (*p && *p != ',' && *p != ')')
                        p++;
                    const char *v1 = p;
                    while (v1 > v0 && isspace((unsigned char)v1[-1]))
                        v1--;
                    helper_sb_putn(&v, v0, (size_t)(v1 - v0));
                    if (v1 == v0) {
                        helper_sb_free(&v);
                        rc = helper_err(err, errlen, -EINVAL, "column %d: expected a value", COL);
                        goto fail;
                    }
                }
                rc = v.failed ? -ENOMEM
                              : helper_pktspec_add_field(s, name[0] ? name : NULL, helper_sb_str(&v), 0);
                helper_sb_free(&v);
                if (rc)
                    goto fail;
                while (isspace((unsigned char)*p))
                    p++;
                if (*p == ',') {
                    p++;
                    continue;
                }
                if (*p == ')') {
                    p++;
                    break;
                }
                rc = helper_err(err, errlen, -EINVAL, "column %d: expected ',' or ')'", COL);
                goto fail;
            }
        }
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (*p != '/') {
            rc = helper_err(err, errlen, -EINVAL, "column %d: expected '/' between layers", COL);
            goto fail;
        }
        p++;
    }
#undef COL
    return 0;
fail:
    if (rc == -ENOMEM)
        helper_err(err, errlen, rc, "out of memory");
    helper_pktspec_free(s);
    return rc;
}

/* ------------------------------------------------------------- builder ---- */

struct blayer {
    const struct pkt_layer_def *d;
    uint8_t hdr[64];
    size_t hlen;
    uint8_t *data;             /* payload bytes */
    size_t ndata;
    uint64_t given;            /* bit per field index */
    uint16_t tpid;
    size_t off;
};

static unsigned field_index(const struct pkt_layer_def *d, const struct pkt_field *f)
{
    return (unsigned)(f - d->fields);
}

static int where(char *buf, size_t len, const struct helper_pktspec_layer *sl,
                 const struct helper_pktspec_field *sf)
{
    unsigned line = sf && sf->line ? sf->line : sl->line;
    if (line)
        return snprintf(buf, len, "line %u: ", line);
    buf[0] = 0;
    return 0;
}

/* The bytes of a payload's text= / hex= or an options field. */
static int bytes_value(const struct pkt_field *f, const char *value, uint8_t **out, size_t *len)
{
    if (strcmp(f->name, "text") == 0) {
        *len = strlen(value);
        *out = malloc(*len + 1);
        if (!*out)
            return -ENOMEM;
        memcpy(*out, value, *len);
        return 0;
    }
    return helper_parse_hex(value, out, len);
}

static int set_field(struct blayer *b, const struct pkt_field *f, const char *value, char *err,
                     size_t errlen, const char *at)
{
    const struct pkt_layer_def *d = b->d;
    if (f->type == PF_BYTES) {
        uint8_t *bytes;
        size_t n;
        int rc = bytes_value(f, value, &bytes, &n);
        if (rc == -ENOMEM)
            return helper_err(err, errlen, rc, "out of memory");
        if (rc)
            return helper_err(err, errlen, -EINVAL, "%s%s.%s: '%s' is not hex bytes", at, d->name,
                           f->name, value);
        if (d->kind == PK_PAYLOAD) {
            free(b->data);
            b->data = bytes;
            b->ndata = n;
            return 0;
        }
        /* header options: padded with zeros (EOL) to 32-bit words */
        size_t padded = (n + 3) & ~(size_t)3;
        if (d->hlen + padded > sizeof b->hdr || padded > 40) {
            free(bytes);
            return helper_err(err, errlen, -EINVAL, "%s%s.options: %zu bytes, at most 40 fit", at,
                           d->name, n);
        }
        memset(b->hdr + d->hlen, 0, padded);
        memcpy(b->hdr + d->hlen, bytes, n);
        b->hlen = d->hlen + padded;
        free(bytes);
        return 0;
    }
    struct pkt_val v;
    char why[160];
    if (!pkt_field_parse(f, value, &v, why, sizeof why))
        return helper_err(err, errlen, -EINVAL, "%s%s.%s: %s", at, d->name, f->name, why);
    if (f->off < 0)
        b->tpid = (uint16_t)v.u;
    else if (f->bytes || f->type != PF_UINT)
        pkt_field_put(f, b->hdr, &v);
    else if (d->kind == PK_PAYLOAD) { /* len: pad the payload with zeros */
        if (v.u > 65535)
            return helper_err(err, errlen, -EINVAL, "%spayload.len: %s is more than 65535", at, value);
        b->hlen = (size_t)v.u; /* resolved in finish_payload */
    } else {
        b->hlen = (size_t)v.u; /* truncate.len */
    }
    return 0;
}

static int finish_payload(struct blayer *b, char *err, size_t errlen, const char *at)
{
    bool has_len = b->given & (1ull << 2);
    if (!has_len) {
        b->hlen = 0;
        return 0;
    }
    size_t want = b->hlen;
    b->hlen = 0;
    if (b->ndata > want)
        return helper_err(err, errlen, -EINVAL, "%spayload: %zu bytes of data, more than len %zu",
                       at, b->ndata, want);
    uint8_t *g = realloc(b->data, want ? want : 1);
    if (!g)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    memset(g + b->ndata, 0, want - b->ndata);
    b->data = g;
    b->ndata = want;
    return 0;
}

static int next_proto(const struct blayer *next, bool ethertype, uint64_t *out)
{
    if (!next)
        return -1;
    switch (next->d->kind) {
    case PK_VLAN: if (!ethertype) return -1; *out = next->tpid; return 0;
    case PK_IPV4: *out = ethertype ? 0x0800 : 4; return 0;
    case PK_IPV6: *out = ethertype ? 0x86dd : 41; return 0;
    case PK_ARP: if (!ethertype) return -1; *out = 0x0806; return 0;
    case PK_TCP: if (ethertype) return -1; *out = 6; return 0;
    case PK_UDP: if (ethertype) return -1; *out = 17; return 0;
    case PK_ICMP: if (ethertype) return -1; *out = 1; return 0;
    case PK_ICMPV6: if (ethertype) return -1; *out = 58; return 0;
    default: return -1;
    }
}

static const struct pkt_field *field_by_auto(const struct pkt_layer_def *d, enum pkt_fauto a,
                                             unsigned *idx)
{
    for (unsigned i = 0; i < d->n_fields; i++)
        if (d->fields[i].autov == a) {
            *idx = i;
            return &d->fields[i];
        }
    return NULL;
}

static void put_u(uint8_t *hdr, const struct pkt_field *f, uint64_t u)
{
    struct pkt_val v = {.u = u};
    pkt_field_put(f, hdr, &v);
}

int helper_pkt_build(const struct helper_pktspec *s, uint8_t **pkt, size_t *len, char *err,
                     size_t errlen)
{
    *pkt = NULL;
    *len = 0;
    struct blayer *b = calloc(s->n ? s->n : 1, sizeof(*b));
    if (!b)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    size_t nb = 0, total = 0;
    bool truncate = false;
    size_t trunc_len = 0;
    int rc = 0;
    char at[32];
    for (size_t i = 0; i < s->n; i++) {
        const struct helper_pktspec_layer *sl = &s->l[i];
        where(at, sizeof at, sl, NULL);
        const struct pkt_layer_def *d = pkt_layer_named(sl->kind);
        if (!d) {
            rc = helper_err(err, errlen, -EINVAL,
                         "%sunknown layer '%s' (eth, vlan, arp, ipv4, ipv6, tcp, udp, icmp, "
                         "icmpv6, payload, truncate)", at, sl->kind);
            goto out;
        }
        struct blayer *l = &b[nb];
        l->d = d;
        l->hlen = d->hlen;
        l->tpid = 0x8100;
        for (unsigned k = 0; k < d->n_fields; k++)
            if (d->fields[k].dflt && (rc = set_field(l, &d->fields[k], d->fields[k].dflt, err,
                                                     errlen, at)))
                goto out;
        for (size_t k = 0; k < sl->n; k++) {
            const struct helper_pktspec_field *sf = &sl->f[k];
            where(at, sizeof at, sl, sf);
            const char *fname = sf->name ? sf->name : d->positional;
            if (!fname) {
                rc = helper_err(err, errlen, -EINVAL, "%s%s: '%s' needs a field name (name=value)",
                             at, d->name, sf->value);
                goto out;
            }
            const struct pkt_field *f = pkt_field_named(d, fname);
            if (!f) {
                char names[256];
                pkt_field_names(d, names, sizeof names);
                rc = helper_err(err, errlen, -EINVAL, "%s%s: unknown field '%s' (fields: %s)", at,
                             d->name, fname, names);
                goto out;
            }
            if ((rc = set_field(l, f, sf->value, err, errlen, at)))
                goto out;
            l->given |= 1ull << field_index(d, f);
        }
        where(at, sizeof at, sl, NULL);
        if (d->kind == PK_TRUNCATE) {
            if (!(l->given & 1)) {
                rc = helper_err(err, errlen, -EINVAL, "%struncate needs a length", at);
                goto out;
            }
            truncate = true;
            trunc_len = l->hlen;
            continue; /* not a layer of the packet */
        }
        if (d->kind == PK_PAYLOAD && (rc = finish_payload(l, err, errlen, at)))
            goto out;
        l->off = total;
        total += l->hlen + l->ndata;
        nb++;
    }
    if (total > 65535) {
        rc = helper_err(err, errlen, -E2BIG, "the packet would be %zu bytes, more than 65535", total);
        goto out;
    }
    uint8_t *p = calloc(1, total ? total : 1);
    if (!p) {
        rc = helper_err(err, errlen, -ENOMEM, "out of memory");
        goto out;
    }
    /* protocol numbers, lengths, header lengths */
    for (size_t i = 0; i < nb; i++) {
        struct blayer *l = &b[i];
        unsigned idx;
        const struct pkt_field *f;
        uint64_t u;
        if ((f = field_by_auto(l->d, PA_NEXT, &idx)) && !(l->given >> idx & 1) &&
            next_proto(i + 1 < nb ? &b[i + 1] : NULL, f->width == 16, &u) == 0)
            put_u(l->hdr, f, u);
        else if (f && !(l->given >> idx & 1) && l->d->kind == PK_IPV6 && i + 1 == nb)
            put_u(l->hdr, f, 59); /* IPPROTO_NONE */
        if ((f = field_by_auto(l->d, PA_HLEN, &idx)) && !(l->given >> idx & 1))
            put_u(l->hdr, f, l->hlen / 4);
        if ((f = field_by_auto(l->d, PA_LEN, &idx)) && !(l->given >> idx & 1)) {
            size_t n = total - l->off - (l->d->kind == PK_IPV6 ? 40 : 0);
            put_u(l->hdr, f, n > 0xffff ? 0xffff : n);
        }
        memcpy(p + l->off, l->hdr, l->hlen);
        if (l->ndata)
            memcpy(p + l->off + l->hlen, l->data, l->ndata);
    }
    /* checksums, innermost first */
    for (size_t i = nb; i-- > 0;) {
        struct blayer *l = &b[i];
        unsigned idx;
        const struct pkt_field *f = field_by_auto(l->d, PA_CSUM, &idx);
        if (!f || (l->given >> idx & 1))
            continue;
        uint8_t *h = p + l->off;
        put_u(h, f, 0);
        uint16_t c;
        if (l->d->kind == PK_IPV4) {
            c = pkt_csum(h, l->hlen, 0);
        } else if (l->d->kind == PK_ICMP) {
            c = pkt_csum(h, total - l->off, 0);
        } else {
            const struct blayer *ip = NULL;
            for (size_t k = i; k-- > 0 && !ip;)
                if (b[k].d->kind == PK_IPV4 || b[k].d->kind == PK_IPV6)
                    ip = &b[k];
            uint8_t proto = l->d->kind == PK_TCP ? 6 : l->d->kind == PK_UDP ? 17 : 58;
            uint32_t l4 = (uint32_t)(total - l->off);
            uint32_t sum = ip ? pkt_pseudo_sum(p + ip->off, ip->d->kind == PK_IPV6, proto, l4) : 0;
            c = pkt_csum(h, l4, sum);
            if (c == 0 && l->d->kind == PK_UDP)
                c = 0xffff;
        }
        put_u(h, f, c);
    }
    *pkt = p;
    *len = truncate && trunc_len < total ? trunc_len : total;
out:
    for (size_t i = 0; i < s->n; i++)
        free(b[i].data);
    free(b);
    return rc;
}

int helper_pkt_build_text(const char *text, uint8_t **pkt, size_t *len, char *err, size_t errlen)
{
    struct helper_pktspec s;
    *pkt = NULL;
    *len = 0;
    int rc = helper_pktspec_parse(text, &s, err, errlen);
    if (rc)
        return rc;
    rc = helper_pkt_build(&s, pkt, len, err, errlen);
    helper_pktspec_free(&s);
    return rc;
}
