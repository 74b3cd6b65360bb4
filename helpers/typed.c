/* helpers/typed.c - map keys and values written as text, typed by the
 * object's BTF: "{prefixlen: 24, addr: 203.0.113.0}" for a struct key,
 * "rx_packets=3" for one field of a value, "7" for an integer key, a
 * section's variables by name for global data. Without BTF (legacy maps)
 * a value is an integer or its bytes in hex. */
#include "helpers/helpers_internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 16

/* ------------------------------------------------------------- fields ---- */

int helper_tfields_add(struct helper_tfields *fs, const char *path, const char *value,
                       unsigned line)
{
    struct helper_tfield *g = realloc(fs->f, (fs->n + 1) * sizeof(*g));
    if (!g)
        return -ENOMEM;
    fs->f = g;
    g[fs->n].path = strdup(path ? path : "");
    g[fs->n].value = strdup(value);
    g[fs->n].line = line;
    if (!g[fs->n].path || !g[fs->n].value) {
        free(g[fs->n].path);
        free(g[fs->n].value);
        return -ENOMEM;
    }
    fs->n++;
    return 0;
}

void helper_tfields_free(struct helper_tfields *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->f[i].path);
        free(fs->f[i].value);
    }
    free(fs->f);
    fs->f = NULL;
    fs->n = 0;
}

/* "a=1, b.c=2" or one value; values may be quoted ("x, y"). */
int helper_tfields_parse(const char *text, struct helper_tfields *fs, char *err, size_t errlen)
{
    memset(fs, 0, sizeof(*fs));
    const char *p = text;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *a = p;
        while (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '[' || *p == ']')
            p++;
        const char *ae = p;
        while (isspace((unsigned char)*p))
            p++;
        char path[128] = "";
        if (*p == '=' && ae > a) {
            snprintf(path, sizeof path, "%.*s", (int)(ae - a), a);
            p++;
            while (isspace((unsigned char)*p))
                p++;
        } else {
            p = a;
        }
        struct helper_sb v = {0};
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                helper_sb_putn(&v, p++, 1);
            }
            if (*p != '"') {
                helper_sb_free(&v);
                helper_tfields_free(fs);
                return helper_err(err, errlen, -EINVAL, "unterminated string in \"%s\"", text);
            }
            p++;
            if (!v.buf)
                helper_sb_putn(&v, "", 0);
        } else {
            const char *v0 = p;
            while (*p && (*p != ',' || !path[0]))
                p++;
            const char *v1 = p;
            while (v1 > v0 && isspace((unsigned char)v1[-1]))
                v1--;
            helper_sb_putn(&v, v0, (size_t)(v1 - v0));
        }
        int rc = v.failed ? -ENOMEM : helper_tfields_add(fs, path, helper_sb_str(&v), 0);
        helper_sb_free(&v);
        if (rc) {
            helper_tfields_free(fs);
            return helper_err(err, errlen, rc, "out of memory");
        }
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ',')
            p++;
        else if (*p) {
            helper_tfields_free(fs);
            return helper_err(err, errlen, -EINVAL, "expected ',' at \"%s\"", p);
        }
    }
    return 0;
}

/* -------------------------------------------------------------- paths ---- */

/* Where a path leads: a type at a bit offset. */
struct leaf {
    uint32_t type;            /* 0: raw bytes (no BTF) */
    struct vm_btf_type info;
    uint32_t bit_off, bit_size; /* bit_size: a bitfield */
    uint32_t size;            /* bytes */
    const char *name;         /* the member's name (for formatting hints) */
};

static bool find_member(const struct vm_object *obj, uint32_t type, const char *name,
                        uint32_t *bit_off, struct vm_btf_member *out, int depth)
{
    struct vm_btf_type t;
    if (depth > MAX_DEPTH || vm_btf_type(obj, type, &t))
        return false;
    for (uint32_t i = 0; i < t.vlen; i++) {
        struct vm_btf_member m;
        if (vm_btf_member(obj, type, i, &m))
            continue;
        if (!strcmp(m.name, name)) {
            *out = m;
            *bit_off += m.bit_offset;
            return true;
        }
        if (!m.name[0]) { /* anonymous struct/union: its members are ours */
            uint32_t off = *bit_off + m.bit_offset;
            if (find_member(obj, m.type, name, &off, out, depth + 1)) {
                *bit_off = off;
                return true;
            }
        }
    }
    return false;
}

static void member_names(const struct vm_object *obj, uint32_t type, char *buf, size_t len)
{
    struct vm_btf_type t;
    size_t n = 0;
    buf[0] = 0;
    if (vm_btf_type(obj, type, &t))
        return;
    for (uint32_t i = 0; i < t.vlen && n < len; i++) {
        struct vm_btf_member m;
        if (!vm_btf_member(obj, type, i, &m))
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "",
                                  m.name[0] ? m.name : "(anonymous)");
    }
}

static int resolve_path(const struct helper_tdesc *td, const char *path, struct leaf *l,
                        char *err, size_t errlen)
{
    memset(l, 0, sizeof(*l));
    l->size = td->size;
    l->type = td->type_id;
    l->name = "";
    if (!td->type_id || vm_btf_type(td->obj, td->type_id, &l->info)) {
        l->type = 0;
        if (path && *path)
            return helper_err(err, errlen, -EINVAL,
                         "'%s': the map's %s has no BTF type: give the whole value (an integer "
                         "or hex bytes)", path, td->is_key ? "key" : "value");
        return 0;
    }
    const char *p = path ? path : "";
    char name[128];
    while (*p) {
        if (*p == '.')
            p++;
        if (*p == '[') {
            char *end;
            unsigned long idx = strtoul(p + 1, &end, 10);
            if (end == p + 1 || *end != ']')
                return helper_err(err, errlen, -EINVAL, "'%s': bad index", path);
            if (l->info.kind != VM_BTF_ARRAY)
                return helper_err(err, errlen, -EINVAL, "'%s': not an array", path);
            if (idx >= l->info.nelems)
                return helper_err(err, errlen, -EINVAL, "'%s': index %lu past the array's %u elements",
                             path, idx, l->info.nelems);
            struct vm_btf_type e;
            if (vm_btf_type(td->obj, l->info.elem, &e))
                return helper_err(err, errlen, -EINVAL, "'%s': bad BTF", path);
            l->bit_off += (uint32_t)idx * e.size * 8;
            l->type = l->info.elem;
            l->info = e;
            l->size = e.size;
            p = end + 1;
            continue;
        }
        size_t n = strcspn(p, ".[");
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        p += n;
        if (l->info.kind != VM_BTF_STRUCT && l->info.kind != VM_BTF_UNION &&
            l->info.kind != VM_BTF_DATASEC)
            return helper_err(err, errlen, -EINVAL, "'%s': '%s' is not a struct", path, name);
        struct vm_btf_member m;
        uint32_t off = 0;
        if (!find_member(td->obj, l->type, name, &off, &m, 0)) {
            char names[256];
            member_names(td->obj, l->type, names, sizeof names);
            return helper_err(err, errlen, -EINVAL, "'%s': %s %s has no field '%s' (fields: %s)", path,
                         l->info.kind == VM_BTF_DATASEC ? "section" : "struct",
                         l->info.name[0] ? l->info.name : "(anonymous)", name, names);
        }
        l->bit_off += off;
        l->bit_size = m.bit_size;
        l->type = m.type;
        l->name = m.name;
        if (vm_btf_type(td->obj, m.type, &l->info))
            return helper_err(err, errlen, -EINVAL, "'%s': bad BTF", path);
        l->size = l->info.size;
    }
    if (!l->bit_size && l->bit_off % 8)
        return helper_err(err, errlen, -EINVAL, "'%s': not byte aligned", path);
    if ((l->bit_size ? (l->bit_off + l->bit_size + 7) / 8 : l->bit_off / 8 + l->size) > td->size)
        return helper_err(err, errlen, -EINVAL, "'%s': past the end of the %u-byte %s", path, td->size,
                     td->is_key ? "key" : "value");
    return 0;
}

/* ------------------------------------------------------------- scalars ---- */

static bool is_be(const struct leaf *l)
{
    return !strncmp(l->info.alias, "__be", 4); /* __be16, __be32, __be64 */
}

static bool addr_like(const char *name)
{
    static const char *const hints[] = {"addr", "ip", "src", "dst", "vip", "gw", "nexthop", "daddr",
                                        "saddr"};
    for (unsigned i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (strcasestr(name, hints[i]))
            return true;
    return false;
}

/* Whole bytes of `size`: an integer (little-endian), an address of the
 * size, or hex bytes. */
static int parse_blob(const char *text, uint8_t *out, size_t size, char *why, size_t whylen)
{
    uint64_t u;
    int64_t i;
    if (helper_parse_u64(text, &u) || (helper_parse_i64(text, &i) && (u = (uint64_t)i, true))) {
        if (size < 8 && text[0] != '-' && u >> (8 * size)) {
            snprintf(why, whylen, "%s does not fit in %zu bytes", text, size);
            return -EINVAL;
        }
        memset(out, 0, size);
        for (size_t k = 0; k < size && k < 8; k++)
            out[k] = (uint8_t)(u >> (8 * k));
        return 0;
    }
    if (size == 4 && helper_parse_ip4(text, out))
        return 0;
    if (size == 16 && helper_parse_ip6(text, out))
        return 0;
    uint8_t *b;
    size_t n;
    if (helper_parse_hex(text, &b, &n) == 0) {
        if (n == size) {
            memcpy(out, b, size);
            free(b);
            return 0;
        }
        free(b);
        snprintf(why, whylen, "'%s' is %zu bytes, %zu needed", text, n, size);
        return -EINVAL;
    }
    snprintf(why, whylen, "'%s' is not an integer, an address or hex bytes%s", text,
             size == 4 ? " (or an IPv4 address)" : size == 16 ? " (or an IPv6 address)" : "");
    return -EINVAL;
}

static uint64_t load_bits(const uint8_t *v, uint32_t bit_off, uint32_t bits)
{
    uint64_t w = 0;
    uint32_t first = bit_off / 8, last = (bit_off + bits - 1) / 8;
    for (uint32_t k = first; k <= last && k - first < 8; k++)
        w |= (uint64_t)v[k] << (8 * (k - first));
    w >>= bit_off % 8;
    return bits >= 64 ? w : w & ((1ull << bits) - 1);
}

static void store_bits(uint8_t *v, uint32_t bit_off, uint32_t bits, uint64_t val)
{
    for (uint32_t b = 0; b < bits; b++) {
        uint32_t at = bit_off + b;
        if (val >> b & 1)
            v[at / 8] |= (uint8_t)(1u << (at % 8));
        else
            v[at / 8] &= (uint8_t)~(1u << (at % 8));
    }
}

static int encode_leaf(const struct helper_tdesc *td, const struct leaf *l, const char *text,
                       uint8_t *out, char *why, size_t whylen)
{
    uint8_t *p = out + l->bit_off / 8;
    const struct vm_btf_type *t = &l->info;
    while (isspace((unsigned char)*text))
        text++;
    if (!l->type)
        return parse_blob(text, out, td->size, why, whylen);
    switch (t->kind) {
    case VM_BTF_INT:
    case VM_BTF_ENUM:
    case VM_BTF_PTR: {
        uint64_t u = 0;
        int64_t i;
        bool ok = false;
        if (t->kind == VM_BTF_INT && t->is_bool &&
            (!strcasecmp(text, "true") || !strcasecmp(text, "false"))) {
            u = !strcasecmp(text, "true");
            ok = true;
        }
        if (!ok && t->kind == VM_BTF_ENUM)
            for (uint32_t k = 0; k < t->vlen && !ok; k++) {
                const char *n;
                int64_t v;
                if (!vm_btf_enum(td->obj, l->type, k, &n, &v) && !strcmp(n, text)) {
                    u = (uint64_t)v;
                    ok = true;
                }
            }
        if (!ok && t->size == 4 && !l->bit_size && helper_parse_ip4(text, p))
            return 0; /* an IPv4 address in a 32-bit field: network order */
        if (!ok && helper_parse_u64(text, &u))
            ok = true;
        if (!ok && helper_parse_i64(text, &i)) {
            u = (uint64_t)i;
            ok = true;
            if (t->size < 8 && i < -(int64_t)(1ull << (8 * t->size - 1))) {
                snprintf(why, whylen, "%s does not fit in %u bytes", text, t->size);
                return -EINVAL;
            }
        } else if (ok) {
            unsigned bits = l->bit_size ? l->bit_size : 8 * t->size;
            if (bits < 64 && u >> bits) {
                snprintf(why, whylen, "%s does not fit in %u bits", text, bits);
                return -EINVAL;
            }
        }
        if (!ok) {
            snprintf(why, whylen, "'%s' is not %s", text,
                     t->kind == VM_BTF_ENUM ? "a number or a name of the enum" : "a number");
            return -EINVAL;
        }
        if (l->bit_size) {
            store_bits(out, l->bit_off, l->bit_size, u);
            return 0;
        }
        for (uint32_t k = 0; k < t->size && k < 8; k++)
            p[is_be(l) ? t->size - 1 - k : k] = (uint8_t)(u >> (8 * k));
        return 0;
    }
    case VM_BTF_FLOAT: {
        char *end;
        double d = strtod(text, &end);
        if (end == text || *end) {
            snprintf(why, whylen, "'%s' is not a number", text);
            return -EINVAL;
        }
        if (t->size == 4) {
            float f = (float)d;
            memcpy(p, &f, 4);
        } else if (t->size == 8) {
            memcpy(p, &d, 8);
        }
        return 0;
    }
    case VM_BTF_ARRAY: {
        struct vm_btf_type e;
        if (!vm_btf_type(td->obj, t->elem, &e) && e.kind == VM_BTF_INT && e.is_char &&
            strncmp(text, "0x", 2) != 0) {
            size_t n = strlen(text);
            if (n > t->nelems) {
                snprintf(why, whylen, "\"%s\" is longer than %u characters", text, t->nelems);
                return -EINVAL;
            }
            memset(p, 0, t->nelems);
            memcpy(p, text, n);
            return 0;
        }
        if (t->size == 6 && helper_parse_mac(text, p))
            return 0;
        return parse_blob(text, p, t->size, why, whylen);
    }
    default: { /* structs and unions given whole */
        struct vm_btf_member m;
        struct leaf inner;
        if (t->kind == VM_BTF_STRUCT && t->vlen == 1 && !vm_btf_member(td->obj, l->type, 0, &m) &&
            !m.bit_size && m.bit_offset == 0 && !vm_btf_type(td->obj, m.type, &inner.info) &&
            inner.info.size == l->size) {
            /* a wrapper (struct { char name[64]; }): the value is its member's */
            inner.type = m.type;
            inner.bit_off = l->bit_off;
            inner.bit_size = 0;
            inner.size = inner.info.size;
            inner.name = m.name;
            return encode_leaf(td, &inner, text, out, why, whylen);
        }
        return parse_blob(text, p, l->size, why, whylen);
    }
    }
}

/* LPM trie keys as CIDR: "203.0.113.0/24", "2001:db8::/48". */
static bool lpm_cidr(const struct helper_tdesc *td, const char *text, uint8_t *out)
{
    const char *slash = strchr(text, '/');
    if (!td->lpm_key || !slash || td->size < 8)
        return false;
    char addr[64];
    snprintf(addr, sizeof addr, "%.*s", (int)(slash - text), text);
    uint64_t plen;
    if (!helper_parse_u64(slash + 1, &plen))
        return false;
    uint8_t a[16];
    size_t alen;
    if (helper_parse_ip4(addr, a))
        alen = 4;
    else if (helper_parse_ip6(addr, a))
        alen = 16;
    else
        return false;
    if (alen > td->size - 4 || plen > alen * 8)
        return false;
    memset(out, 0, td->size);
    for (int k = 0; k < 4; k++)
        out[k] = (uint8_t)(plen >> (8 * k));
    memcpy(out + 4, a, alen);
    return true;
}

int helper_typed_encode(const struct helper_tdesc *td, const struct helper_tfields *fs,
                        uint8_t *out, char *err, size_t errlen)
{
    for (size_t i = 0; i < fs->n; i++) {
        const struct helper_tfield *f = &fs->f[i];
        char at[32] = "";
        if (f->line)
            snprintf(at, sizeof at, "line %u: ", f->line);
        if (!f->path[0] && lpm_cidr(td, f->value, out))
            continue;
        struct leaf l;
        char why[256];
        int rc = resolve_path(td, f->path, &l, why, sizeof why);
        if (!rc)
            rc = encode_leaf(td, &l, f->value, out, why, sizeof why);
        if (rc)
            return helper_err(err, errlen, rc, "%s%s%s%s", at, f->path[0] && !strchr(why, '\'') ? f->path : "",
                         f->path[0] && !strchr(why, '\'') ? ": " : "", why);
    }
    return 0;
}

/* ----------------------------------------------------------- formatting ---- */

static void fmt_hex(struct helper_sb *sb, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        helper_sb_printf(sb, i ? " %02x" : "%02x", p[i]);
    if (!n)
        helper_sb_printf(sb, "(empty)");
}

static void fmt_type(const struct helper_tdesc *td, uint32_t type, const char *name,
                     const uint8_t *v, uint32_t bit_off, uint32_t bit_size, struct helper_sb *sb,
                     int depth);

static void fmt_members(const struct helper_tdesc *td, uint32_t type, const struct vm_btf_type *t,
                        const uint8_t *v, uint32_t bit_off, struct helper_sb *sb, int depth)
{
    helper_sb_printf(sb, "{");
    uint32_t shown = 0;
    for (uint32_t i = 0; i < t->vlen; i++) {
        struct vm_btf_member m;
        if (vm_btf_member(td->obj, type, i, &m))
            continue;
        helper_sb_printf(sb, "%s", shown++ ? ", " : "");
        if (m.name[0])
            helper_sb_printf(sb, "%s: ", m.name);
        fmt_type(td, m.type, m.name, v, bit_off + m.bit_offset, m.bit_size, sb, depth + 1);
        if (t->kind == VM_BTF_UNION)
            break; /* the first member speaks for the union */
    }
    helper_sb_printf(sb, "}");
}

static void fmt_type(const struct helper_tdesc *td, uint32_t type, const char *name,
                     const uint8_t *v, uint32_t bit_off, uint32_t bit_size, struct helper_sb *sb,
                     int depth)
{
    struct vm_btf_type t;
    const uint8_t *p = v + bit_off / 8;
    if (depth > MAX_DEPTH || vm_btf_type(td->obj, type, &t)) {
        helper_sb_printf(sb, "?");
        return;
    }
    switch (t.kind) {
    case VM_BTF_INT:
    case VM_BTF_ENUM:
    case VM_BTF_PTR: {
        uint64_t u = 0;
        struct leaf l = {.info = t};
        if (bit_size) {
            u = load_bits(v, bit_off, bit_size);
        } else {
            for (uint32_t k = 0; k < t.size && k < 8; k++)
                u |= (uint64_t)p[is_be(&l) ? t.size - 1 - k : k] << (8 * k);
        }
        if (t.kind == VM_BTF_ENUM)
            for (uint32_t k = 0; k < t.vlen; k++) {
                const char *n;
                int64_t ev;
                if (!vm_btf_enum(td->obj, type, k, &n, &ev) && (uint64_t)ev == u) {
                    helper_sb_printf(sb, "%s", n);
                    return;
                }
            }
        if (t.kind == VM_BTF_PTR)
            helper_sb_printf(sb, "0x%" PRIx64, u);
        else if (t.size == 4 && !bit_size && is_be(&l) && addr_like(name))
            helper_sb_printf(sb, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
        else if (t.is_bool)
            helper_sb_printf(sb, u ? "true" : "false");
        else if (t.is_signed && t.size < 8 && !bit_size && (u >> (8 * t.size - 1)))
            helper_sb_printf(sb, "%" PRId64, (int64_t)(u | ~((1ull << (8 * t.size)) - 1)));
        else if (t.is_signed)
            helper_sb_printf(sb, "%" PRId64, (int64_t)u);
        else
            helper_sb_printf(sb, "%" PRIu64, u);
        return;
    }
    case VM_BTF_FLOAT:
        if (t.size == 4) {
            float f;
            memcpy(&f, p, 4);
            helper_sb_printf(sb, "%g", (double)f);
        } else if (t.size == 8) {
            double d;
            memcpy(&d, p, 8);
            helper_sb_printf(sb, "%g", d);
        }
        return;
    case VM_BTF_ARRAY: {
        struct vm_btf_type e;
        if (!vm_btf_type(td->obj, t.elem, &e) && e.kind == VM_BTF_INT && e.is_char) {
            size_t n = 0;
            while (n < t.nelems && p[n])
                n++;
            helper_sb_printf(sb, "\"%.*s\"", (int)n, (const char *)p);
            return;
        }
        if (e.size == 1 && t.size == 16 && addr_like(name)) {
            char b[64];
            helper_fmt_ip6(p, b, sizeof b);
            helper_sb_printf(sb, "%s", b);
            return;
        }
        if (e.size == 1 && t.size == 4 && addr_like(name)) {
            helper_sb_printf(sb, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
            return;
        }
        if (e.size == 1 && t.size == 6 && strcasestr(name, "mac")) {
            char b[32];
            helper_fmt_mac(p, b, sizeof b);
            helper_sb_printf(sb, "%s", b);
            return;
        }
        if (e.size == 1) {
            fmt_hex(sb, p, t.size);
            return;
        }
        helper_sb_printf(sb, "[");
        for (uint32_t i = 0; i < t.nelems; i++) {
            helper_sb_printf(sb, i ? ", " : "");
            fmt_type(td, t.elem, name, v, bit_off + i * e.size * 8, 0, sb, depth + 1);
        }
        helper_sb_printf(sb, "]");
        return;
    }
    case VM_BTF_STRUCT:
    case VM_BTF_UNION:
        if (t.size == 16 && !strcmp(t.name, "in6_addr")) {
            char b[64];
            helper_fmt_ip6(p, b, sizeof b);
            helper_sb_printf(sb, "%s", b);
            return;
        }
        if (t.kind == VM_BTF_STRUCT && t.vlen == 1 && depth == 0) {
            struct vm_btf_member m;
            struct vm_btf_type mt;
            if (!vm_btf_member(td->obj, type, 0, &m) && !m.bit_size && m.bit_offset == 0 &&
                !vm_btf_type(td->obj, m.type, &mt) && mt.size == t.size) {
                fmt_type(td, m.type, m.name, v, bit_off, 0, sb, depth + 1);
                return; /* a wrapper struct reads as its member */
            }
        }
        fmt_members(td, type, &t, v, bit_off, sb, depth);
        return;
    case VM_BTF_DATASEC:
        fmt_members(td, type, &t, v, bit_off, sb, depth);
        return;
    default:
        fmt_hex(sb, p, t.size);
    }
}

static bool fmt_cidr(const struct helper_tdesc *td, const uint8_t *v, struct helper_sb *sb)
{
    if (!td->lpm_key || (td->size != 8 && td->size != 20))
        return false;
    uint32_t plen = (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 |
                    (uint32_t)v[3] << 24;
    char b[64];
    if (td->size == 8)
        helper_fmt_ip4(v + 4, b, sizeof b);
    else
        helper_fmt_ip6(v + 4, b, sizeof b);
    helper_sb_printf(sb, "%s/%u", b, plen);
    return true;
}

void helper_typed_format(const struct helper_tdesc *td, const uint8_t *v, struct helper_sb *sb)
{
    struct vm_btf_type t;
    if (fmt_cidr(td, v, sb))
        return;
    if (!td->type_id || vm_btf_type(td->obj, td->type_id, &t)) {
        if (td->size && td->size <= 8) { /* an integer, or the bytes of a struct */
            uint64_t u = 0;
            for (uint32_t k = 0; k < td->size; k++)
                u |= (uint64_t)v[k] << (8 * k);
            helper_sb_printf(sb, "%" PRIu64, u);
            if (td->size > 1) {
                helper_sb_printf(sb, " (");
                fmt_hex(sb, v, td->size);
                helper_sb_printf(sb, ")");
            }
            return;
        }
        fmt_hex(sb, v, td->size);
        return;
    }
    fmt_type(td, td->type_id, "", v, 0, 0, sb, 0);
}

/* -------------------------------------------------------------- match ---- */

/* List every leaf of `type` that differs between a and b. */
static void diff_leaves(const struct helper_tdesc *td, uint32_t type, const char *name,
                        const char *path, const uint8_t *exp, const uint8_t *got,
                        uint32_t bit_off, uint32_t bit_size, struct helper_sb *diff, int depth)
{
    struct vm_btf_type t;
    if (depth > MAX_DEPTH || vm_btf_type(td->obj, type, &t))
        return;
    if (t.kind == VM_BTF_STRUCT || t.kind == VM_BTF_DATASEC ||
        (t.kind == VM_BTF_ARRAY && !(t.size == 16 && addr_like(name)))) {
        struct vm_btf_type e = {0};
        if (t.kind == VM_BTF_ARRAY &&
            (vm_btf_type(td->obj, t.elem, &e) || e.size <= 1))
            goto leaf; /* strings and byte arrays are one value */
        uint32_t n = t.kind == VM_BTF_ARRAY ? t.nelems : t.vlen;
        for (uint32_t i = 0; i < n; i++) {
            char sub[256];
            if (t.kind == VM_BTF_ARRAY) {
                snprintf(sub, sizeof sub, "%s[%u]", path, i);
                diff_leaves(td, t.elem, name, sub, exp, got, bit_off + i * e.size * 8, 0, diff,
                            depth + 1);
                continue;
            }
            struct vm_btf_member m;
            if (vm_btf_member(td->obj, type, i, &m))
                continue;
            snprintf(sub, sizeof sub, "%s%s%s", path, path[0] && m.name[0] ? "." : "", m.name);
            diff_leaves(td, m.type, m.name, sub, exp, got, bit_off + m.bit_offset, m.bit_size,
                        diff, depth + 1);
        }
        return;
    }
leaf:;
    bool same = bit_size ? load_bits(exp, bit_off, bit_size) == load_bits(got, bit_off, bit_size)
                         : !memcmp(exp + bit_off / 8, got + bit_off / 8, t.size);
    if (same)
        return;
    helper_sb_printf(diff, "%s: expected ", path[0] ? path : "value");
    fmt_type(td, type, name, exp, bit_off, bit_size, diff, 0);
    helper_sb_printf(diff, ", got ");
    fmt_type(td, type, name, got, bit_off, bit_size, diff, 0);
    helper_sb_printf(diff, "\n");
}

int helper_typed_match(const struct helper_tdesc *td, const struct helper_tfields *fs,
                       const uint8_t *got, const char *what, struct helper_sb *diff, char *err,
                       size_t errlen)
{
    uint8_t *exp = malloc(td->size + 1);
    if (!exp)
        return helper_err(err, errlen, -ENOMEM, "out of memory");
    int differ = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const struct helper_tfield *f = &fs->f[i];
        struct helper_tfields one = {(struct helper_tfield *)f, 1};
        memcpy(exp, got, td->size);
        if (!f->path[0])
            memset(exp, 0, td->size); /* a whole value: bytes not given are zero */
        int rc = helper_typed_encode(td, &one, exp, err, errlen);
        if (rc) {
            free(exp);
            return rc;
        }
        if (!memcmp(exp, got, td->size))
            continue;
        differ = 1;
        struct leaf l;
        char why[64];
        if (resolve_path(td, f->path, &l, why, sizeof why) || !l.type ||
            (!f->path[0] && td->lpm_key)) {
            struct helper_sb e = {0}, g = {0};
            helper_typed_format(td, exp, &e);
            helper_typed_format(td, got, &g);
            helper_sb_printf(diff, "%s%s%s: expected %s, got %s\n", what, f->path[0] ? "." : "",
                             f->path, helper_sb_str(&e), helper_sb_str(&g));
            helper_sb_free(&e);
            helper_sb_free(&g);
            continue;
        }
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", what, f->path[0] ? "." : "", f->path);
        diff_leaves(td, l.type, l.name, path, exp, got, l.bit_off, l.bit_size, diff, 0);
    }
    free(exp);
    return differ;
}

int helper_typed_get_u64(const struct helper_tdesc *td, const char *path, const uint8_t *v,
                         uint64_t *out, char *err, size_t errlen)
{
    struct leaf l;
    int rc = resolve_path(td, path, &l, err, errlen);
    if (rc)
        return rc;
    uint32_t size = l.type ? l.info.size : td->size;
    if (l.type && l.info.kind != VM_BTF_INT && l.info.kind != VM_BTF_ENUM &&
        l.info.kind != VM_BTF_PTR)
        return helper_err(err, errlen, -EINVAL, "'%s' is not an integer", path && *path ? path : "the value");
    if (size > 8)
        return helper_err(err, errlen, -EINVAL, "'%s' is %u bytes, not an integer",
                     path && *path ? path : "the value", size);
    if (l.bit_size) {
        *out = load_bits(v, l.bit_off, l.bit_size);
        return 0;
    }
    const uint8_t *p = v + l.bit_off / 8;
    uint64_t u = 0;
    bool be = l.type && is_be(&l);
    for (uint32_t k = 0; k < size; k++)
        u |= (uint64_t)p[be ? size - 1 - k : k] << (8 * k);
    if (l.type && l.info.is_signed && size < 8 && (u >> (8 * size - 1)))
        u |= ~((1ull << (8 * size)) - 1); /* sign-extended */
    *out = u;
    return 0;
}
