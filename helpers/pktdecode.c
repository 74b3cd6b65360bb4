/* helpers/pktdecode.c - packets read back: decoded into the builder's
 * layers and fields, matched against expected fields, and two packets
 * compared as a hex dump with the differing bytes marked plus the header
 * fields that differ. */
#include "helpers/pkt_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static enum pkt_kind by_ethertype(uint16_t t)
{
    switch (t) {
    case 0x8100: case 0x88a8: return PK_VLAN;
    case 0x0800: return PK_IPV4;
    case 0x86dd: return PK_IPV6;
    case 0x0806: return PK_ARP;
    default: return PK_PAYLOAD;
    }
}

static enum pkt_kind by_proto(uint8_t p, bool v6)
{
    switch (p) {
    case 6: return PK_TCP;
    case 17: return PK_UDP;
    case 1: return v6 ? PK_PAYLOAD : PK_ICMP;
    case 58: return PK_ICMPV6;
    case 4: return PK_IPV4;
    case 41: return PK_IPV6;
    default: return PK_PAYLOAD;
    }
}

/* The L4 length the enclosing IP header states, or -1. */
static long ip_l4_len(const uint8_t *p, size_t len, const struct pkt_dlayer *ip)
{
    if (!ip || ip->truncated)
        return -1;
    if (ip->def->kind == PK_IPV4) {
        long tot = rd16(p + ip->off + 2);
        return tot >= (long)ip->hlen ? tot - (long)ip->hlen : -1;
    }
    (void)len;
    return rd16(p + ip->off + 4);
}

static void check_csum(const uint8_t *p, size_t len, struct pkt_decoded *d, unsigned i)
{
    struct pkt_dlayer *l = &d->l[i];
    l->csum_ok = -1;
    if (l->truncated)
        return;
    const struct pkt_dlayer *ip = NULL;
    for (unsigned k = i; k-- > 0 && !ip;)
        if (d->l[k].def->kind == PK_IPV4 || d->l[k].def->kind == PK_IPV6)
            ip = &d->l[k];
    switch (l->def->kind) {
    case PK_IPV4:
        l->csum_ok = pkt_csum(p + l->off, l->hlen, 0) == 0;
        return;
    case PK_ICMP: {
        long n = ip_l4_len(p, len, ip);
        if (n < 0 || l->off + (size_t)n > len)
            n = (long)(len - l->off);
        l->csum_ok = pkt_csum(p + l->off, (size_t)n, 0) == 0;
        return;
    }
    case PK_TCP: case PK_UDP: case PK_ICMPV6: {
        long n = ip_l4_len(p, len, ip);
        if (n < (long)l->hlen || l->off + (size_t)n > len)
            return;
        if (l->def->kind == PK_UDP && ip->def->kind == PK_IPV4 && rd16(p + l->off + 6) == 0) {
            l->csum_ok = 1; /* no checksum */
            return;
        }
        uint8_t proto = l->def->kind == PK_TCP ? 6 : l->def->kind == PK_UDP ? 17 : 58;
        uint32_t sum = pkt_pseudo_sum(p + ip->off, ip->def->kind == PK_IPV6, proto, (uint32_t)n);
        l->csum_ok = pkt_csum(p + l->off, (size_t)n, sum) == 0;
        return;
    }
    default:
        return;
    }
}

void pkt_decode(const uint8_t *p, size_t len, struct pkt_decoded *d)
{
    memset(d, 0, sizeof(*d));
    size_t off = 0;
    enum pkt_kind k = PK_ETH;
    while (off < len && d->n < PKT_MAX_LAYERS) {
        const struct pkt_layer_def *def = pkt_layer_def(k);
        struct pkt_dlayer *l = &d->l[d->n++];
        l->def = def;
        l->off = off;
        l->csum_ok = -1;
        size_t avail = len - off, hl = def->hlen;
        if (k == PK_PAYLOAD) {
            l->hlen = avail;
            break;
        }
        if (k == PK_IPV4 && avail >= 1 && (p[off] & 0xf) > 5)
            hl = (size_t)(p[off] & 0xf) * 4;
        if (k == PK_TCP && avail >= 13 && (p[off + 12] >> 4) > 5)
            hl = (size_t)(p[off + 12] >> 4) * 4;
        if (hl > avail) {
            l->hlen = avail;
            l->need = hl;
            l->truncated = true;
            break;
        }
        l->hlen = hl;
        const uint8_t *h = p + off;
        switch (k) {
        case PK_ETH: k = by_ethertype(rd16(h + 12)); break;
        case PK_VLAN: k = by_ethertype(rd16(h + 2)); break;
        case PK_IPV4: k = (rd16(h + 6) & 0x1fff) ? PK_PAYLOAD : by_proto(h[9], false); break;
        case PK_IPV6: k = by_proto(h[6], true); break;
        default: k = PK_PAYLOAD; break;
        }
        off += hl;
    }
    for (unsigned i = 0; i < d->n; i++)
        check_csum(p, len, d, i);
}

bool pkt_field_present(const struct pkt_dlayer *l, const struct pkt_field *f, size_t pkt_len)
{
    (void)pkt_len;
    if (f->type == PF_BYTES)
        return true;
    size_t size = f->type == PF_MAC ? 6 : f->type == PF_IP4 ? 4 : f->type == PF_IP6 ? 16 : f->bytes;
    if (f->off < 0)
        return l->off >= (size_t)-f->off;
    return (size_t)f->off + size <= l->hlen;
}

/* Shown in descriptions and diffs: tos/tc already carry dscp and ecn. */
static bool derived(const struct pkt_layer_def *d, const struct pkt_field *f)
{
    return (d->kind == PK_IPV4 || d->kind == PK_IPV6) &&
           (strcmp(f->name, "dscp") == 0 || strcmp(f->name, "ecn") == 0);
}

static void put_hex(struct helper_sb *sb, const uint8_t *p, size_t n, size_t max)
{
    for (size_t i = 0; i < n && i < max; i++)
        helper_sb_printf(sb, "%02x", p[i]);
    if (n > max)
        helper_sb_printf(sb, "...");
}

/* Payload bytes as text when they are printable, else hex. */
static void put_payload(struct helper_sb *sb, const uint8_t *p, size_t n)
{
    bool text = n > 0;
    for (size_t i = 0; i < n; i++)
        if (!isprint(p[i]))
            text = false;
    helper_sb_printf(sb, "%zu bytes", n);
    if (!n)
        return;
    if (text)
        helper_sb_printf(sb, " \"%.*s%s\"", (int)(n > 48 ? 48 : n), (const char *)p,
                         n > 48 ? "..." : "");
    else {
        helper_sb_printf(sb, " ");
        put_hex(sb, p, n, 32);
    }
}

static void describe_layer(struct helper_sb *sb, const uint8_t *p, size_t len,
                           const struct pkt_dlayer *l)
{
    const struct pkt_layer_def *d = l->def;
    if (d->kind == PK_PAYLOAD) {
        put_payload(sb, p + l->off, l->hlen);
        return;
    }
    bool first = true;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const struct pkt_field *f = &d->fields[i];
        if (derived(d, f) || (f->off < 0 && rd16(p + l->off - 2) == 0x8100))
            continue;
        if (f->type == PF_BYTES) {
            if (l->hlen > d->hlen) {
                helper_sb_printf(sb, "%soptions=", first ? "" : " ");
                put_hex(sb, p + l->off + d->hlen, l->hlen - d->hlen, 40);
                first = false;
            }
            continue;
        }
        if (!pkt_field_present(l, f, len))
            continue;
        struct pkt_val v;
        char buf[64];
        pkt_field_get(f, p + l->off, &v);
        pkt_field_fmt(f, &v, buf, sizeof buf);
        helper_sb_printf(sb, "%s%s=%s", first ? "" : " ", f->name, buf);
        if (f->autov == PA_CSUM && l->csum_ok >= 0)
            helper_sb_printf(sb, " (%s)", l->csum_ok ? "valid" : "BAD");
        first = false;
    }
    if (l->truncated)
        helper_sb_printf(sb, "%s(truncated: %zu of %zu bytes)", first ? "" : " ", l->hlen, l->need);
}

void helper_pkt_describe(const uint8_t *p, size_t len, const char *indent, struct helper_sb *sb)
{
    struct pkt_decoded d;
    pkt_decode(p, len, &d);
    for (unsigned i = 0; i < d.n; i++) {
        helper_sb_printf(sb, "%s%-8s ", indent, d.l[i].def->name);
        describe_layer(sb, p, len, &d.l[i]);
        helper_sb_printf(sb, "\n");
    }
    if (!d.n)
        helper_sb_printf(sb, "%s(empty)\n", indent);
}

static void layer_names(const struct pkt_decoded *d, struct helper_sb *sb)
{
    for (unsigned i = 0; i < d->n; i++)
        helper_sb_printf(sb, "%s%s", i ? " / " : "", d->l[i].def->name);
    if (!d->n)
        helper_sb_printf(sb, "nothing");
}

/* -------------------------------------------------------------- match ---- */

static bool is_csum_word(const char *v, int *want)
{
    if (!strcasecmp(v, "valid") || !strcasecmp(v, "ok") || !strcasecmp(v, "good")) {
        *want = 1;
        return true;
    }
    if (!strcasecmp(v, "invalid") || !strcasecmp(v, "bad")) {
        *want = 0;
        return true;
    }
    return false;
}

static int match_bytes(struct helper_sb *diff, const char *what, const uint8_t *got, size_t glen,
                       const uint8_t *exp, size_t elen)
{
    if (glen == elen && !memcmp(got, exp, elen))
        return 0;
    helper_sb_printf(diff, "%s: expected ", what);
    put_hex(diff, exp, elen, 64);
    helper_sb_printf(diff, " (%zu bytes), got ", elen);
    put_hex(diff, got, glen, 64);
    helper_sb_printf(diff, " (%zu bytes)\n", glen);
    return 1;
}

int helper_pkt_match(const struct helper_pktspec *s, const uint8_t *p, size_t len,
                     struct helper_sb *diff, char *err, size_t errlen)
{
    struct pkt_decoded d;
    pkt_decode(p, len, &d);
    unsigned cur = 0;
    int differ = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct helper_pktspec_layer *sl = &s->l[i];
        char at[32] = "";
        if (sl->line)
            snprintf(at, sizeof at, "line %u: ", sl->line);
        const struct pkt_layer_def *def = pkt_layer_named(sl->kind);
        if (!def) {
            snprintf(err, errlen, "%sunknown layer '%s'", at, sl->kind);
            return -EINVAL;
        }
        if (def->kind == PK_TRUNCATE) {
            snprintf(err, errlen, "%struncate is for building packets, not for matching them", at);
            return -EINVAL;
        }
        unsigned k = cur;
        while (k < d.n && d.l[k].def != def)
            k++;
        if (k >= d.n) {
            helper_sb_printf(diff, "%s: no such header in the packet (it has ", def->name);
            layer_names(&d, diff);
            helper_sb_printf(diff, ")\n");
            differ = 1;
            continue;
        }
        const struct pkt_dlayer *l = &d.l[k];
        cur = k + 1;
        const uint8_t *h = p + l->off;
        for (size_t fi = 0; fi < sl->n; fi++) {
            const struct helper_pktspec_field *sf = &sl->f[fi];
            if (sf->line)
                snprintf(at, sizeof at, "line %u: ", sf->line);
            const char *fname = sf->name ? sf->name : def->positional;
            const struct pkt_field *f = fname ? pkt_field_named(def, fname) : NULL;
            if (!f) {
                char names[256];
                pkt_field_names(def, names, sizeof names);
                snprintf(err, errlen, "%s%s: unknown field '%s' (fields: %s)", at, def->name,
                         fname ? fname : sf->value, names);
                return -EINVAL;
            }
            char what[64];
            snprintf(what, sizeof what, "%s.%s", def->name, f->name);
            if (def->kind == PK_PAYLOAD) {
                if (!strcmp(f->name, "len")) {
                    uint64_t want;
                    if (!helper_parse_u64(sf->value, &want)) {
                        snprintf(err, errlen, "%spayload.len: '%s' is not a number", at, sf->value);
                        return -EINVAL;
                    }
                    if (want != l->hlen) {
                        helper_sb_printf(diff, "payload.len: expected %s, got %zu\n", sf->value,
                                         l->hlen);
                        differ = 1;
                    }
                    continue;
                }
                uint8_t *b;
                size_t n;
                int rc = !strcmp(f->name, "text")
                             ? ((b = (uint8_t *)strdup(sf->value)) ? (n = strlen(sf->value), 0) : -ENOMEM)
                             : helper_parse_hex(sf->value, &b, &n);
                if (rc) {
                    snprintf(err, errlen, "%spayload.%s: '%s' is not hex bytes", at, f->name,
                             sf->value);
                    return -EINVAL;
                }
                differ |= match_bytes(diff, "payload", h, l->hlen, b, n);
                free(b);
                continue;
            }
            if (f->type == PF_BYTES) { /* options */
                uint8_t *b;
                size_t n;
                if (helper_parse_hex(sf->value, &b, &n)) {
                    snprintf(err, errlen, "%s%s: '%s' is not hex bytes", at, what, sf->value);
                    return -EINVAL;
                }
                size_t padded = (n + 3) & ~(size_t)3;
                uint8_t *pb = calloc(1, padded + 1);
                if (pb)
                    memcpy(pb, b, n);
                free(b);
                if (!pb)
                    return -ENOMEM;
                differ |= match_bytes(diff, what, h + def->hlen, l->hlen - def->hlen, pb, padded);
                free(pb);
                continue;
            }
            int want_ok;
            if (f->autov == PA_CSUM && is_csum_word(sf->value, &want_ok)) {
                if (l->csum_ok != want_ok) {
                    struct pkt_val gv;
                    char gb[64];
                    pkt_field_get(f, h, &gv);
                    pkt_field_fmt(f, &gv, gb, sizeof gb);
                    helper_sb_printf(diff, "%s: expected %s, got %s (%s)\n", what,
                                     want_ok ? "a valid checksum" : "a bad checksum", gb,
                                     l->csum_ok < 0 ? "cannot be checked: the packet is cut short"
                                     : l->csum_ok ? "valid" : "invalid");
                    differ = 1;
                }
                continue;
            }
            struct pkt_val ev, gv;
            char why[160];
            if (!pkt_field_parse(f, sf->value, &ev, why, sizeof why)) {
                snprintf(err, errlen, "%s%s: %s", at, what, why);
                return -EINVAL;
            }
            char eb[64], gb[64];
            pkt_field_fmt(f, &ev, eb, sizeof eb);
            if (!pkt_field_present(l, f, len)) {
                helper_sb_printf(diff, "%s: expected %s, but the packet ends before it\n", what, eb);
                differ = 1;
                continue;
            }
            pkt_field_get(f, h, &gv);
            if (!pkt_val_eq(f, &ev, &gv)) {
                pkt_field_fmt(f, &gv, gb, sizeof gb);
                helper_sb_printf(diff, "%s: expected %s, got %s\n", what, eb, gb);
                differ = 1;
            }
        }
    }
    return differ;
}

/* --------------------------------------------------------------- diff ---- */

static void hex_row(struct helper_sb *sb, const char *mark, size_t row, const uint8_t *p,
                    size_t len)
{
    helper_sb_printf(sb, "%s %04zx ", mark, row);
    for (size_t i = row; i < row + 16 && i < len; i++)
        helper_sb_printf(sb, i == row + 8 ? "  %02x" : " %02x", p[i]);
    helper_sb_printf(sb, "\n");
}

static bool row_differs(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, size_t row)
{
    for (size_t i = row; i < row + 16; i++) {
        bool ia = i < alen, ib = i < blen;
        if (ia != ib || (ia && a[i] != b[i]))
            return true;
    }
    return false;
}

/* Decoded fields of two packets, side by side where they differ. */
static void field_diff(const uint8_t *e, size_t elen, const uint8_t *g, size_t glen,
                       struct helper_sb *sb)
{
    struct pkt_decoded de, dg;
    pkt_decode(e, elen, &de);
    pkt_decode(g, glen, &dg);
    bool same_shape = de.n == dg.n;
    for (unsigned i = 0; same_shape && i < de.n; i++)
        same_shape = de.l[i].def == dg.l[i].def;
    if (!same_shape) {
        helper_sb_printf(sb, "headers: expected ");
        layer_names(&de, sb);
        helper_sb_printf(sb, ", got ");
        layer_names(&dg, sb);
        helper_sb_printf(sb, "\n");
    }
    unsigned n = de.n < dg.n ? de.n : dg.n;
    bool any = false;
    for (unsigned i = 0; i < n && de.l[i].def == dg.l[i].def; i++) {
        const struct pkt_layer_def *d = de.l[i].def;
        const struct pkt_dlayer *le = &de.l[i], *lg = &dg.l[i];
        if (d->kind == PK_PAYLOAD) {
            if (le->hlen != lg->hlen || memcmp(e + le->off, g + lg->off, le->hlen)) {
                helper_sb_printf(sb, "%s: expected ", d->name);
                put_payload(sb, e + le->off, le->hlen);
                helper_sb_printf(sb, ", got ");
                put_payload(sb, g + lg->off, lg->hlen);
                helper_sb_printf(sb, "\n");
                any = true;
            }
            continue;
        }
        for (unsigned k = 0; k < d->n_fields; k++) {
            const struct pkt_field *f = &d->fields[k];
            if (derived(d, f) || f->off < 0)
                continue;
            if (f->type == PF_BYTES) {
                size_t oe = le->hlen - (le->hlen > d->hlen ? d->hlen : le->hlen);
                size_t og = lg->hlen - (lg->hlen > d->hlen ? d->hlen : lg->hlen);
                if (oe != og || memcmp(e + le->off + d->hlen, g + lg->off + d->hlen, oe)) {
                    helper_sb_printf(sb, "%s.options: expected ", d->name);
                    put_hex(sb, e + le->off + d->hlen, oe, 40);
                    helper_sb_printf(sb, ", got ");
                    put_hex(sb, g + lg->off + d->hlen, og, 40);
                    helper_sb_printf(sb, "\n");
                    any = true;
                }
                continue;
            }
            bool pe = pkt_field_present(le, f, elen), pg = pkt_field_present(lg, f, glen);
            struct pkt_val ve, vg;
            char be[64] = "(missing)", bg[64] = "(missing)";
            if (pe) {
                pkt_field_get(f, e + le->off, &ve);
                pkt_field_fmt(f, &ve, be, sizeof be);
            }
            if (pg) {
                pkt_field_get(f, g + lg->off, &vg);
                pkt_field_fmt(f, &vg, bg, sizeof bg);
            }
            if (pe == pg && (!pe || pkt_val_eq(f, &ve, &vg)))
                continue;
            helper_sb_printf(sb, "%s.%s: expected %s, got %s", d->name, f->name, be, bg);
            if (f->autov == PA_CSUM && lg->csum_ok >= 0)
                helper_sb_printf(sb, " (%s)", lg->csum_ok ? "valid" : "invalid");
            helper_sb_printf(sb, "\n");
            any = true;
        }
    }
    if (!any && same_shape)
        helper_sb_printf(sb, "(no header field differs: the bytes differ past the headers)\n");
}

void helper_pkt_diff(const uint8_t *e, size_t elen, const uint8_t *g, size_t glen,
                     struct helper_sb *sb)
{
    size_t ndiff = 0, max = elen > glen ? elen : glen;
    for (size_t i = 0; i < max; i++)
        if (i >= elen || i >= glen || e[i] != g[i])
            ndiff++;
    if (elen == glen)
        helper_sb_printf(sb, "%zu of %zu bytes differ", ndiff, elen);
    else
        helper_sb_printf(sb, "expected %zu bytes, got %zu (%zu bytes differ)", elen, glen, ndiff);
    helper_sb_printf(sb, " (- expected, + got, ^^ differs):\n");
    bool skipped = false;
    for (size_t row = 0; row < max; row += 16) {
        bool d = row_differs(e, elen, g, glen, row);
        bool near = d || (row >= 16 && row_differs(e, elen, g, glen, row - 16)) ||
                    row_differs(e, elen, g, glen, row + 16);
        if (!near && max > 64) {
            if (!skipped)
                helper_sb_printf(sb, "  ....\n");
            skipped = true;
            continue;
        }
        skipped = false;
        if (!d) {
            hex_row(sb, " ", row, e, elen);
            continue;
        }
        hex_row(sb, "-", row, e, elen);
        hex_row(sb, "+", row, g, glen);
        helper_sb_printf(sb, "       ");
        size_t last = row;
        for (size_t i = row; i < row + 16 && i < max; i++)
            if (i >= elen || i >= glen || e[i] != g[i])
                last = i;
        for (size_t i = row; i <= last; i++) {
            if (i == row + 8)
                helper_sb_printf(sb, " ");
            bool x = i >= elen || i >= glen || e[i] != g[i];
            helper_sb_printf(sb, x ? " ^^" : "   ");
        }
        helper_sb_printf(sb, "\n");
    }
    field_diff(e, elen, g, glen, sb);
}
