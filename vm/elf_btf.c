/* vm/elf_btf.c - a small BTF reader (<linux/btf.h>): enough of .BTF for
 * BTF-defined map definitions in ".maps" (libbpf's parse_btf_map_def), the
 * global-data DATASECs, and .BTF.ext's line info; CO-RE records in .BTF.ext
 * are refused with the type they would have relocated against.
 *
 * The type section is copied to an aligned buffer (struct btf_type is read
 * in place); every id, offset and count is checked before use. */
#include "vm/elf_int.h"

#include <errno.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BTF_MAX_DEPTH 32  /* modifiers, typedefs and array dimensions followed */

#ifndef BTF_KIND_ENUM64
#define BTF_KIND_ENUM64 19
#endif

static const char *const kind_names[] = {
    "UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF", "VOLATILE",
    "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG",
    "ENUM64",
};

static const char *kind_name(unsigned kind)
{
    return kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "?";
}

static unsigned kind_of(const struct btf_type *t)
{
    return BTF_INFO_KIND(t->info);
}

static unsigned vlen_of(const struct btf_type *t)
{
    return BTF_INFO_VLEN(t->info);
}

void elf_btf_free(struct elf_btf *btf)
{
    free(btf->types);
    free(btf->off);
    free(btf->strs);
    memset(btf, 0, sizeof(*btf));
}

const struct btf_type *elf_btf_type(const struct elf_ctx *c, uint32_t id)
{
    if (!c->have_btf || id == 0 || id >= c->btf.n)
        return NULL;
    return (const struct btf_type *)((const uint8_t *)c->btf.types + c->btf.off[id]);
}

const char *elf_btf_str(const struct elf_ctx *c, uint32_t off)
{
    if (!c->have_btf || off >= c->btf.str_len)
        return NULL;
    return c->btf.strs + off;
}

/* Name of a type id, "" when anonymous or unknown. */
static const char *type_name(const struct elf_ctx *c, uint32_t id)
{
    const struct btf_type *t = elf_btf_type(c, id);
    const char *n = t ? elf_btf_str(c, t->name_off) : NULL;
    return n ? n : "";
}

/* Bytes of extra data after a struct btf_type of this kind, or -1. */
static long extra_size(const struct btf_type *t)
{
    unsigned vlen = vlen_of(t);
    switch (kind_of(t)) {
    case BTF_KIND_INT: return 4;
    case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
    case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
    case BTF_KIND_TYPE_TAG:
        return 0;
    case BTF_KIND_ARRAY: return (long)sizeof(struct btf_array);
    case BTF_KIND_STRUCT: case BTF_KIND_UNION: return (long)(vlen * sizeof(struct btf_member));
    case BTF_KIND_ENUM: return (long)(vlen * sizeof(struct btf_enum));
    case BTF_KIND_ENUM64: return (long)(vlen * 12u);
    case BTF_KIND_FUNC_PROTO: return (long)(vlen * sizeof(struct btf_param));
    case BTF_KIND_VAR: return (long)sizeof(struct btf_var);
    case BTF_KIND_DATASEC: return (long)(vlen * sizeof(struct btf_var_secinfo));
    case BTF_KIND_DECL_TAG: return 4;
    default: return -1;
    }
}

int elf_btf_parse(struct elf_ctx *c, uint32_t sec)
{
    const struct elf_sec *s = &c->secs[sec];
    struct elf_btf *b = &c->btf;
    const uint8_t *d = s->data;
    uint64_t size = s->size;
    if (!d || size < sizeof(struct btf_header))
        return elf_fail(c, -EINVAL, "section '.BTF': truncated header (%llu bytes)",
                        (unsigned long long)size);
    if (elf_rd16(d) != BTF_MAGIC)
        return elf_fail(c, -EINVAL, "section '.BTF': bad magic 0x%04x", elf_rd16(d));
    if (d[2] != BTF_VERSION)
        return elf_fail(c, -EINVAL, "section '.BTF': version %u is not %u", d[2], BTF_VERSION);
    uint64_t hdr_len = elf_rd32(d + 4), type_off = elf_rd32(d + 8), type_len = elf_rd32(d + 12),
             str_off = elf_rd32(d + 16), str_len = elf_rd32(d + 20);
    if (hdr_len < sizeof(struct btf_header) || hdr_len > size)
        return elf_fail(c, -EINVAL, "section '.BTF': header length %llu out of range",
                        (unsigned long long)hdr_len);
    if (hdr_len + type_off + type_len > size || hdr_len + str_off + str_len > size)
        return elf_fail(c, -EINVAL, "section '.BTF': the type or string section runs past the end (%llu bytes)",
                        (unsigned long long)size);
    if (type_off % 4 || type_len % 4)
        return elf_fail(c, -EINVAL, "section '.BTF': type section not 4-byte aligned");
    const uint8_t *strs = d + hdr_len + str_off;
    if (str_len == 0 || strs[0] != '\0' || strs[str_len - 1] != '\0')
        return elf_fail(c, -EINVAL, "section '.BTF': the string section does not start and end with a NUL");

    b->strs = malloc(str_len);
    b->types = malloc(type_len ? type_len : 4);
    b->off = malloc((type_len / sizeof(struct btf_type) + 1) * sizeof(uint32_t));
    if (!b->strs || !b->types || !b->off)
        return elf_fail(c, -ENOMEM, "out of memory");
    memcpy(b->strs, strs, str_len);
    b->str_len = (uint32_t)str_len;
    memcpy(b->types, d + hdr_len + type_off, type_len);
    b->types_len = (uint32_t)type_len;
    b->off[0] = 0;
    b->n = 1;
    c->have_btf = true;

    uint64_t pos = 0;
    while (pos < type_len) {
        uint32_t id = b->n;
        if (type_len - pos < sizeof(struct btf_type))
            return elf_fail(c, -EINVAL, "section '.BTF': type [%u] is truncated", id);
        const struct btf_type *t = (const struct btf_type *)((const uint8_t *)b->types + pos);
        long extra = extra_size(t);
        if (extra < 0)
            return elf_fail(c, -EINVAL, "section '.BTF': type [%u] has unknown kind %u", id,
                            kind_of(t));
        if (t->name_off >= str_len)
            return elf_fail(c, -EINVAL, "section '.BTF': type [%u]: name offset %u outside the string section",
                            id, t->name_off);
        if (type_len - pos - sizeof(struct btf_type) < (uint64_t)extra)
            return elf_fail(c, -EINVAL, "section '.BTF': type [%u] (%s) is truncated", id,
                            kind_name(kind_of(t)));
        /* names of members, enumerators and parameters */
        const uint8_t *x = (const uint8_t *)(t + 1);
        unsigned kind = kind_of(t), vlen = vlen_of(t), step = 0;
        if (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION)
            step = sizeof(struct btf_member);
        else if (kind == BTF_KIND_ENUM || kind == BTF_KIND_FUNC_PROTO)
            step = 8;
        else if (kind == BTF_KIND_ENUM64)
            step = 12;
        for (unsigned k = 0; step && k < vlen; k++)
            if (elf_rd32(x + (size_t)k * step) >= str_len)
                return elf_fail(c, -EINVAL, "section '.BTF': type [%u]: member %u name offset outside the string section",
                                id, k);
        b->off[b->n++] = (uint32_t)pos;
        pos += sizeof(struct btf_type) + (uint64_t)extra;
    }
    return 0;
}

/* Follow typedefs and modifiers. Returns the id reached (maybe invalid). */
static uint32_t skip_mods(const struct elf_ctx *c, uint32_t id)
{
    for (int depth = 0; depth < BTF_MAX_DEPTH; depth++) {
        const struct btf_type *t = elf_btf_type(c, id);
        if (!t)
            return id;
        switch (kind_of(t)) {
        case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
            id = t->type;
            break;
        default:
            return id;
        }
    }
    return 0;
}

/* Size in bytes of type `id` (btf__resolve_size), or a message. */
static const char *resolve_size(const struct elf_ctx *c, uint32_t id, uint32_t *out)
{
    uint64_t nelems = 1;
    for (int depth = 0; depth < BTF_MAX_DEPTH; depth++) {
        const struct btf_type *t = elf_btf_type(c, id);
        if (!t)
            return id ? "not found" : "is void";
        uint64_t size;
        switch (kind_of(t)) {
        case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: case BTF_KIND_DATASEC: case BTF_KIND_FLOAT:
            size = t->size;
            break;
        case BTF_KIND_PTR:
            size = 8;
            break;
        case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
        case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG: case BTF_KIND_VAR:
            id = t->type;
            continue;
        case BTF_KIND_ARRAY: {
            struct btf_array a;
            memcpy(&a, t + 1, sizeof a);
            nelems *= a.nelems;
            if (nelems > UINT32_MAX)
                return "is too large";
            id = a.type;
            continue;
        }
        default:
            return "has no size";
        }
        if (size * nelems > UINT32_MAX)
            return "is too large";
        *out = (uint32_t)(size * nelems);
        return NULL;
    }
    return "nests too deeply";
}

/* "struct task_struct", "union u", "enum e", "u32", "[42]" for messages. */
static void type_desc(const struct elf_ctx *c, uint32_t id, char *buf, size_t len)
{
    const struct btf_type *t = elf_btf_type(c, id);
    if (!t) {
        snprintf(buf, len, "[%u]", id);
        return;
    }
    const char *n = type_name(c, id);
    const char *pfx = "";
    switch (kind_of(t)) {
    case BTF_KIND_STRUCT: pfx = "struct "; break;
    case BTF_KIND_UNION: pfx = "union "; break;
    case BTF_KIND_ENUM: case BTF_KIND_ENUM64: pfx = "enum "; break;
    case BTF_KIND_FWD: pfx = BTF_INFO_KFLAG(t->info) ? "union " : "struct "; break;
    default: break;
    }
    if (!n[0])
        snprintf(buf, len, "%s<anonymous %s [%u]>", pfx, kind_name(kind_of(t)), id);
    else
        snprintf(buf, len, "%s%s", pfx, n);
}

uint32_t elf_btf_datasec(const struct elf_ctx *c, const char *name)
{
    for (uint32_t id = 1; c->have_btf && id < c->btf.n; id++) {
        const struct btf_type *t = elf_btf_type(c, id);
        if (kind_of(t) == BTF_KIND_DATASEC && strcmp(type_name(c, id), name) == 0)
            return id;
    }
    return 0;
}

uint32_t elf_btf_datasec_var(const struct elf_ctx *c, uint32_t datasec, const char *name)
{
    const struct btf_type *ds = elf_btf_type(c, datasec);
    if (!ds || kind_of(ds) != BTF_KIND_DATASEC)
        return 0;
    const struct btf_var_secinfo *vi = (const struct btf_var_secinfo *)(ds + 1);
    for (unsigned k = 0; k < vlen_of(ds); k++) {
        const struct btf_type *v = elf_btf_type(c, vi[k].type);
        if (v && kind_of(v) == BTF_KIND_VAR && strcmp(type_name(c, vi[k].type), name) == 0)
            return vi[k].type;
    }
    return 0;
}

/* clang leaves a DATASEC's size and its variables' offsets zero; libbpf
 * fills them in from the section and the symbol table before loading
 * (btf_fixup_datasec). Do the same, so that typed views of global data
 * (vm/btf_format.c, vm/btf_types.c) find each variable at its place. */
int elf_btf_fixup_datasec(struct elf_ctx *c)
{
    for (uint32_t id = 1; c->have_btf && id < c->btf.n; id++) {
        struct btf_type *t = (struct btf_type *)elf_btf_type(c, id);
        if (!t || kind_of(t) != BTF_KIND_DATASEC)
            continue;
        uint32_t sec;
        const struct elf_sec *s = elf_sec_named(c, type_name(c, id), &sec);
        if (!s)
            continue; /* .kconfig, .ksyms: nothing in the file */
        if (t->size == 0)
            t->size = (uint32_t)s->size;
        struct btf_var_secinfo *vi = (struct btf_var_secinfo *)(t + 1);
        for (unsigned k = 0; k < vlen_of(t); k++) {
            const struct btf_type *v = elf_btf_type(c, vi[k].type);
            if (!v || kind_of(v) != BTF_KIND_VAR)
                continue;
            const char *vname = type_name(c, vi[k].type);
            const struct elf_sym *sym = elf_sym_in(c, sec, vname);
            if (!sym)
                continue; /* a static the compiler renamed: leave it */
            if (sym->value > s->size || sym->size > s->size - sym->value)
                continue; /* a broken section: the map loaders say what is wrong */
            vi[k].offset = (uint32_t)sym->value;
            if (vi[k].size == 0)
                vi[k].size = (uint32_t)sym->size;
        }
    }
    return 0;
}

/* ------------------------------------------------------ map definitions ---- */

#define MAPERR(fmt, ...) elf_fail(c, -EINVAL, "section '.maps': map '%s': " fmt, name, ##__VA_ARGS__)

/* __uint(field, N): a pointer to an array of N elements. */
static int map_int(struct elf_ctx *c, const char *name, const char *field, uint32_t id, uint32_t *out)
{
    const struct btf_type *t = elf_btf_type(c, skip_mods(c, id));
    if (!t)
        return MAPERR("'%s': type [%u] not found", field, id);
    if (kind_of(t) != BTF_KIND_PTR)
        return MAPERR("'%s': expected PTR, got %s", field, kind_name(kind_of(t)));
    const struct btf_type *a = elf_btf_type(c, t->type);
    if (!a)
        return MAPERR("'%s': type [%u] not found", field, t->type);
    if (kind_of(a) != BTF_KIND_ARRAY)
        return MAPERR("'%s': expected ARRAY, got %s", field, kind_name(kind_of(a)));
    struct btf_array arr;
    memcpy(&arr, a + 1, sizeof arr);
    *out = arr.nelems;
    return 0;
}

/* __type(field, T): a pointer to T. */
static int map_type(struct elf_ctx *c, const char *name, const char *field, uint32_t id,
                    uint32_t *type_id, uint32_t *size)
{
    const struct btf_type *t = elf_btf_type(c, skip_mods(c, id));
    if (!t)
        return MAPERR("'%s': type [%u] not found", field, id);
    if (kind_of(t) != BTF_KIND_PTR)
        return MAPERR("'%s': expected PTR, got %s", field, kind_name(kind_of(t)));
    const char *why = resolve_size(c, t->type, size);
    if (why)
        return MAPERR("%s type [%u] %s", field, t->type, why);
    *type_id = t->type;
    return 0;
}

static bool is_map_in_map(uint32_t type)
{
    return type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

int elf_btf_map_def(struct elf_ctx *c, const char *name, uint32_t id, bool is_inner,
                    struct elf_btf_map *out)
{
    memset(out, 0, sizeof(*out));
    out->values_off = UINT32_MAX;
    uint32_t sid = skip_mods(c, id);
    const struct btf_type *st = elf_btf_type(c, sid);
    if (!st)
        return MAPERR("definition type [%u] not found", id);
    if (kind_of(st) != BTF_KIND_STRUCT)
        return MAPERR("definition is a %s, not a struct", kind_name(kind_of(st)));
    out->size = st->size;
    const struct btf_member *m = (const struct btf_member *)(st + 1);
    unsigned vlen = vlen_of(st);
    int rc = 0;
    for (unsigned i = 0; i < vlen && !rc; i++) {
        const char *f = elf_btf_str(c, m[i].name_off);
        uint32_t v = 0, tid = 0;
        if (!f || !f[0])
            return MAPERR("member %u has no name", i);
        if (strcmp(f, "type") == 0) {
            rc = map_int(c, name, f, m[i].type, &out->type);
        } else if (strcmp(f, "max_entries") == 0) {
            rc = map_int(c, name, f, m[i].type, &out->max_entries);
        } else if (strcmp(f, "map_flags") == 0) {
            rc = map_int(c, name, f, m[i].type, &out->map_flags);
        } else if (strcmp(f, "numa_node") == 0 || strcmp(f, "map_extra") == 0) {
            rc = map_int(c, name, f, m[i].type, &v);
        } else if (strcmp(f, "pinning") == 0) {
            rc = map_int(c, name, f, m[i].type, &out->pinning);
        } else if (strcmp(f, "key_size") == 0 || strcmp(f, "value_size") == 0) {
            bool key = f[0] == 'k';
            uint32_t *sz = key ? &out->key_size : &out->value_size;
            if ((rc = map_int(c, name, f, m[i].type, &v)))
                break;
            if (*sz && *sz != v)
                return MAPERR("conflicting %s size %u != %u", key ? "key" : "value", *sz, v);
            *sz = v;
        } else if (strcmp(f, "key") == 0 || strcmp(f, "value") == 0) {
            bool key = f[0] == 'k';
            uint32_t *sz = key ? &out->key_size : &out->value_size;
            if ((rc = map_type(c, name, f, m[i].type, &tid, &v)))
                break;
            if (*sz && *sz != v)
                return MAPERR("conflicting %s size %u != %u", f, *sz, v);
            *sz = v;
            *(key ? &out->key_type_id : &out->value_type_id) = tid;
        } else if (strcmp(f, "values") == 0) {
            bool mim = is_map_in_map(out->type), pa = out->type == BPF_MAP_TYPE_PROG_ARRAY;
            const char *desc = mim ? "map-in-map inner" : "prog-array value";
            if (is_inner)
                return MAPERR("multi-level inner maps are not supported");
            if (i != vlen - 1)
                return MAPERR("'values' must be the last member");
            if (!mim && !pa)
                return MAPERR("'values' needs a map-in-map or prog-array type (type is %u)", out->type);
            if (out->value_size && out->value_size != 4)
                return MAPERR("conflicting value size %u != 4", out->value_size);
            out->value_size = 4;
            const struct btf_type *a = elf_btf_type(c, m[i].type);
            if (!a)
                return MAPERR("%s type [%u] not found", desc, m[i].type);
            struct btf_array arr;
            if (kind_of(a) == BTF_KIND_ARRAY)
                memcpy(&arr, a + 1, sizeof arr);
            if (kind_of(a) != BTF_KIND_ARRAY || arr.nelems)
                return MAPERR("%s spec is not a zero-sized array", desc);
            const struct btf_type *p = elf_btf_type(c, skip_mods(c, arr.type));
            if (!p || kind_of(p) != BTF_KIND_PTR)
                return MAPERR("%s def is of unexpected kind %s", desc,
                              p ? kind_name(kind_of(p)) : "(missing)");
            uint32_t did = skip_mods(c, p->type);
            const struct btf_type *def = elf_btf_type(c, did);
            if (pa) {
                if (!def || kind_of(def) != BTF_KIND_FUNC_PROTO)
                    return MAPERR("prog-array value def is of unexpected kind %s",
                                  def ? kind_name(kind_of(def)) : "(missing)");
            } else {
                if (!def || kind_of(def) != BTF_KIND_STRUCT)
                    return MAPERR("map-in-map inner def is of unexpected kind %s",
                                  def ? kind_name(kind_of(def)) : "(missing)");
                out->inner_struct = did;
            }
            uint32_t bits = BTF_INFO_KFLAG(st->info) ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
            if (bits % 8)
                return MAPERR("'values' is not byte-aligned");
            out->has_values = true;
            out->values_off = bits / 8;
        } else {
            return MAPERR("unknown field '%s'", f);
        }
    }
    if (rc)
        return rc;
    if (out->type == BPF_MAP_TYPE_UNSPEC)
        return MAPERR("no map type (__uint(type, ...))");
    return 0;
}

/* ------------------------------------------------------------ .BTF.ext ---- */

/* The exec section called `name`, or 0. */
static uint32_t code_section(const struct elf_ctx *c, const char *name)
{
    for (uint32_t i = 1; i < c->n_secs; i++)
        if ((c->secs[i].kind == SEC_PROG || c->secs[i].kind == SEC_TEXT) &&
            strcmp(c->secs[i].name, name) == 0)
            return i;
    return 0;
}

/* Walk one .BTF.ext info block: u32 rec_size, then { u32 sec_name_off;
 * u32 num_info; rec_size * num_info bytes } repeated. `each` is called for
 * every record. */
typedef int (*ext_rec_fn)(struct elf_ctx *c, uint32_t sec, const char *secname, uint32_t idx,
                          const uint8_t *rec);

static int ext_walk(struct elf_ctx *c, const char *what, const uint8_t *p, uint64_t len,
                    uint32_t min_rec, ext_rec_fn each)
{
    if (len == 0)
        return 0;
    if (len < 4)
        return elf_fail(c, -EINVAL, "section '.BTF.ext': %s is truncated", what);
    uint32_t rec_size = elf_rd32(p);
    if (rec_size < min_rec || rec_size % 4)
        return elf_fail(c, -EINVAL, "section '.BTF.ext': %s record size %u (at least %u expected)",
                        what, rec_size, min_rec);
    uint64_t pos = 4;
    while (pos < len) {
        if (len - pos < 8)
            return elf_fail(c, -EINVAL, "section '.BTF.ext': %s is truncated", what);
        uint32_t name_off = elf_rd32(p + pos), num = elf_rd32(p + pos + 4);
        pos += 8;
        const char *secname = elf_btf_str(c, name_off);
        if (!secname)
            return elf_fail(c, -EINVAL, "section '.BTF.ext': %s: section name offset %u outside the BTF strings",
                            what, name_off);
        if ((uint64_t)num * rec_size > len - pos)
            return elf_fail(c, -EINVAL, "section '.BTF.ext': %s of section '%s': %u records run past the end",
                            what, secname, num);
        uint32_t sec = num ? code_section(c, secname) : 0;
        if (num && !sec)
            return elf_fail(c, -EINVAL, "section '.BTF.ext': %s for section '%s', which is not a code section of the object",
                            what, secname);
        for (uint32_t k = 0; k < num; k++) {
            int rc = each(c, sec, secname, k, p + pos + (uint64_t)k * rec_size);
            if (rc)
                return rc;
        }
        pos += (uint64_t)num * rec_size;
    }
    return 0;
}

static int core_rec(struct elf_ctx *c, uint32_t sec, const char *secname, uint32_t idx,
                    const uint8_t *rec)
{
    uint32_t insn_off = elf_rd32(rec), type_id = elf_rd32(rec + 4);
    char desc[160];
    type_desc(c, type_id, desc, sizeof desc);
    const struct elf_func *f = insn_off % 8 ? NULL : elf_func_at(c, sec, insn_off / 8);
    if (f)
        return elf_fail(c, -ENOTSUP,
                        "section '%s': program '%s': CO-RE relocation against kernel type '%s' is not supported",
                        secname, f->name, desc);
    return elf_fail(c, -ENOTSUP,
                    "section '%s': insn %u: CO-RE relocation against kernel type '%s' is not supported",
                    secname, insn_off / 8, desc);
}

static int line_rec(struct elf_ctx *c, uint32_t sec, const char *secname, uint32_t idx,
                    const uint8_t *rec)
{
    struct elf_sec *s = &c->secs[sec];
    uint32_t insn_off = elf_rd32(rec), file_off = elf_rd32(rec + 4), line_off = elf_rd32(rec + 8),
             line_col = elf_rd32(rec + 12);
    if (insn_off % 8 || insn_off / 8 >= s->n_insns)
        return elf_fail(c, -EINVAL, "section '.BTF.ext': line info %u of section '%s': instruction offset %u outside the section (%llu bytes)",
                        idx, secname, insn_off, (unsigned long long)s->size);
    const char *file = elf_btf_str(c, file_off), *text = elf_btf_str(c, line_off);
    if (!file || !text)
        return elf_fail(c, -EINVAL, "section '.BTF.ext': line info %u of section '%s': string offset %u outside the BTF strings",
                        idx, secname, file ? line_off : file_off);
    if ((s->n_lines & (s->n_lines - 1)) == 0) { /* grow at powers of two */
        struct elf_line *g = realloc(s->lines, (s->n_lines ? 2 * (size_t)s->n_lines : 16) * sizeof(*g));
        if (!g)
            return elf_fail(c, -ENOMEM, "out of memory");
        s->lines = g;
    }
    struct elf_line *l = &s->lines[s->n_lines++];
    l->insn = insn_off / 8;
    l->line = BPF_LINE_INFO_LINE_NUM(line_col);
    l->col = BPF_LINE_INFO_LINE_COL(line_col);
    l->file = file;
    l->text = text;
    return 0;
}

static int cmp_line(const void *a, const void *b)
{
    const struct elf_line *x = a, *y = b;
    if (x->insn != y->insn)
        return x->insn < y->insn ? -1 : 1;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    int r = strcmp(x->file, y->file);
    return r ? r : strcmp(x->text, y->text);
}

int elf_btf_ext(struct elf_ctx *c, uint32_t sec)
{
    const struct elf_sec *s = &c->secs[sec];
    const uint8_t *d = s->data;
    uint64_t size = s->size;
    if (!c->have_btf)
        return elf_fail(c, -EINVAL, "section '.BTF.ext': there is no .BTF section");
    if (!d || size < 8)
        return elf_fail(c, -EINVAL, "section '.BTF.ext': truncated header (%llu bytes)",
                        (unsigned long long)size);
    if (elf_rd16(d) != BTF_MAGIC)
        return elf_fail(c, -EINVAL, "section '.BTF.ext': bad magic 0x%04x", elf_rd16(d));
    if (d[2] != 1)
        return elf_fail(c, -EINVAL, "section '.BTF.ext': version %u is not 1", d[2]);
    uint64_t hdr_len = elf_rd32(d + 4);
    if (hdr_len < 24 || hdr_len > size)
        return elf_fail(c, -EINVAL, "section '.BTF.ext': header length %llu out of range",
                        (unsigned long long)hdr_len);
    uint64_t line_off = elf_rd32(d + 16), line_len = elf_rd32(d + 20);
    uint64_t core_off = 0, core_len = 0;
    if (hdr_len >= 32) {
        core_off = elf_rd32(d + 24);
        core_len = elf_rd32(d + 28);
    }
    uint64_t func_off = elf_rd32(d + 8), func_len = elf_rd32(d + 12);
    if (hdr_len + func_off + func_len > size || hdr_len + line_off + line_len > size ||
        hdr_len + core_off + core_len > size)
        return elf_fail(c, -EINVAL, "section '.BTF.ext': an info block runs past the end (%llu bytes)",
                        (unsigned long long)size);
    int rc = ext_walk(c, "CO-RE relocations", d + hdr_len + core_off, core_len,
                      sizeof(struct bpf_core_relo), core_rec);
    if (rc)
        return rc;
    rc = ext_walk(c, "line info", d + hdr_len + line_off, line_len, sizeof(struct bpf_line_info),
                  line_rec);
    if (rc)
        return rc;
    for (uint32_t i = 1; i < c->n_secs; i++) {
        struct elf_sec *cs = &c->secs[i];
        bool sorted = true;
        for (uint32_t k = 1; k < cs->n_lines && sorted; k++)
            sorted = cs->lines[k - 1].insn <= cs->lines[k].insn;
        if (!sorted)
            qsort(cs->lines, cs->n_lines, sizeof(*cs->lines), cmp_line);
    }
    return 0;
}
