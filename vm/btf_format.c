/* vm/btf_format.c - a map key or value as typed JSON, from the object's
 * BTF (what `bpftool map dump` prints as "formatted"): integers as numbers,
 * enums by name, structs and unions as objects, char arrays as strings,
 * other arrays as lists, pointers as hex strings, global-data sections
 * (DATASEC) as an object of their variables. */
#include "vm/elf_int.h"

#include <linux/btf.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void put(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n;
        char *g = realloc(b->p, cap);
        if (!g) {
            b->oom = true;
            return;
        }
        b->p = g;
        b->cap = cap;
    }
}

static const struct btf_type *type_of(const struct elf_btf *btf, uint32_t id)
{
    if (id == 0 || id >= btf->n)
        return NULL;
    return (const struct btf_type *)((const uint8_t *)btf->types + btf->off[id]);
}

static const char *name_of(const struct elf_btf *btf, uint32_t off)
{
    return off < btf->str_len ? btf->strs + off : "";
}

/* Follow typedefs and qualifiers. */
static uint32_t resolve(const struct elf_btf *btf, uint32_t id)
{
    for (int i = 0; i < MAX_DEPTH; i++) {
        const struct btf_type *t = type_of(btf, id);
        if (!t)
            return 0;
        switch (BTF_INFO_KIND(t->info)) {
        case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
        case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG: case BTF_KIND_VAR:
            id = t->type;
            continue;
        default:
            return id;
        }
    }
    return 0;
}

static uint64_t type_size(const struct elf_btf *btf, uint32_t id, int depth)
{
    id = resolve(btf, id);
    const struct btf_type *t = type_of(btf, id);
    if (!t || depth > MAX_DEPTH)
        return 0;
    switch (BTF_INFO_KIND(t->info)) {
    case BTF_KIND_INT: case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM:
    case BTF_KIND_ENUM64: case BTF_KIND_FLOAT: case BTF_KIND_DATASEC:
        return t->size;
    case BTF_KIND_PTR:
        return 8;
    case BTF_KIND_ARRAY: {
        const struct btf_array *a = (const struct btf_array *)(t + 1);
        return (uint64_t)a->nelems * type_size(btf, a->type, depth + 1);
    }
    }
    return 0;
}

static uint64_t load_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n && i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_string(struct sbuf *b, const uint8_t *p, size_t n)
{
    put(b, "\"");
    for (size_t i = 0; i < n && p[i]; i++) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\')
            put(b, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            put(b, "\\u%04x", c);
        else
            put(b, "%c", c);
    }
    put(b, "\"");
}

static bool is_char(const struct elf_btf *btf, uint32_t id)
{
    const struct btf_type *t = type_of(btf, resolve(btf, id));
    if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_INT || t->size != 1)
        return false;
    uint32_t enc = *(const uint32_t *)(t + 1);
    return (BTF_INT_ENCODING(enc) & BTF_INT_CHAR) || strcmp(name_of(btf, t->name_off), "char") == 0;
}

static int emit(const struct elf_btf *btf, struct sbuf *b, uint32_t id, const uint8_t *data,
                size_t size, int depth);

/* An integer field of `bits` bits at bit offset `shift` (bitfields too). */
static void emit_int(struct sbuf *b, const struct btf_type *t, const uint8_t *data, size_t size,
                     unsigned shift, unsigned bits)
{
    uint32_t enc = *(const uint32_t *)(t + 1);
    unsigned nbytes = t->size > 8 ? 8 : t->size;
    if (bits == 0)
        bits = BTF_INT_BITS(enc);
    shift += BTF_INT_OFFSET(enc);
    if (shift / 8 + (bits + shift % 8 + 7) / 8 > size) {
        put(b, "null");
        return;
    }
    uint64_t raw = load_le(data + shift / 8, (bits + shift % 8 + 7) / 8 > nbytes
                                                  ? (bits + shift % 8 + 7) / 8 : nbytes);
    raw >>= shift % 8;
    if (bits < 64)
        raw &= (1ull << bits) - 1;
    if (BTF_INT_ENCODING(enc) & BTF_INT_BOOL)
        put(b, raw ? "true" : "false");
    else if ((BTF_INT_ENCODING(enc) & BTF_INT_SIGNED) && bits && bits < 64 && (raw >> (bits - 1)))
        put(b, "%" PRId64, (int64_t)(raw | ~((1ull << bits) - 1)));
    else if (BTF_INT_ENCODING(enc) & BTF_INT_SIGNED)
        put(b, "%" PRId64, (int64_t)raw);
    else
        put(b, "%" PRIu64, raw);
}

static void emit_members(const struct elf_btf *btf, struct sbuf *b, const struct btf_type *t,
                         const uint8_t *data, size_t size, int depth)
{
    const struct btf_member *m = (const struct btf_member *)(t + 1);
    bool kflag = BTF_INFO_KFLAG(t->info);
    put(b, "{");
    for (uint32_t i = 0; i < BTF_INFO_VLEN(t->info); i++) {
        uint32_t bit_off = kflag ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
        uint32_t bit_size = kflag ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;
        const char *n = name_of(btf, m[i].name_off);
        put(b, "%s\"%s\": ", i ? ", " : "", n[0] ? n : "(anon)");
        const struct btf_type *mt = type_of(btf, resolve(btf, m[i].type));
        if (mt && BTF_INFO_KIND(mt->info) == BTF_KIND_INT && (bit_size || bit_off % 8)) {
            emit_int(b, mt, data, size, bit_off, bit_size);
            continue;
        }
        if (bit_off / 8 > size) {
            put(b, "null");
            continue;
        }
        emit(btf, b, m[i].type, data + bit_off / 8, size - bit_off / 8, depth + 1);
    }
    put(b, "}");
}

static int emit(const struct elf_btf *btf, struct sbuf *b, uint32_t id, const uint8_t *data,
                size_t size, int depth)
{
    id = resolve(btf, id);
    const struct btf_type *t = type_of(btf, id);
    if (!t || depth > MAX_DEPTH) {
        put(b, "null");
        return 0;
    }
    switch (BTF_INFO_KIND(t->info)) {
    case BTF_KIND_INT:
        emit_int(b, t, data, size, 0, 0);
        break;
    case BTF_KIND_PTR:
        if (size < 8)
            put(b, "null");
        else
            put(b, "\"0x%" PRIx64 "\"", load_le(data, 8));
        break;
    case BTF_KIND_ENUM: {
        const struct btf_enum *e = (const struct btf_enum *)(t + 1);
        unsigned n = t->size > 8 ? 8 : t->size;
        if (size < n) {
            put(b, "null");
            break;
        }
        uint64_t v = load_le(data, n);
        for (uint32_t i = 0; i < BTF_INFO_VLEN(t->info); i++)
            if ((uint32_t)e[i].val == (uint32_t)v) {
                put(b, "\"%s\"", name_of(btf, e[i].name_off));
                return 0;
            }
        put(b, "%" PRIu64, v);
        break;
    }
    case BTF_KIND_ARRAY: {
        const struct btf_array *a = (const struct btf_array *)(t + 1);
        uint64_t esz = type_size(btf, a->type, depth + 1);
        if (is_char(btf, a->type)) {
            put_string(b, data, a->nelems < size ? a->nelems : size);
            break;
        }
        put(b, "[");
        for (uint32_t i = 0; i < a->nelems && esz && (uint64_t)i * esz < size; i++) {
            put(b, i ? ", " : "");
            emit(btf, b, a->type, data + (uint64_t)i * esz, size - (uint64_t)i * esz, depth + 1);
        }
        put(b, "]");
        break;
    }
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION:
        emit_members(btf, b, t, data, size, depth);
        break;
    case BTF_KIND_DATASEC: {
        const struct btf_var_secinfo *v = (const struct btf_var_secinfo *)(t + 1);
        put(b, "{");
        for (uint32_t i = 0; i < BTF_INFO_VLEN(t->info); i++) {
            const struct btf_type *var = type_of(btf, v[i].type);
            put(b, "%s\"%s\": ", i ? ", " : "", var ? name_of(btf, var->name_off) : "?");
            if (v[i].offset > size || v[i].size > size - v[i].offset)
                put(b, "null");
            else
                emit(btf, b, v[i].type, data + v[i].offset, v[i].size, depth + 1);
        }
        put(b, "}");
        break;
    }
    case BTF_KIND_FLOAT:
        if (t->size == 4 && size >= 4) {
            float f;
            memcpy(&f, data, 4);
            put(b, "%g", (double)f);
        } else if (t->size == 8 && size >= 8) {
            double d;
            memcpy(&d, data, 8);
            put(b, "%g", d);
        } else {
            put(b, "null");
        }
        break;
    default:
        put(b, "null");
    }
    return 0;
}

int vm_object_format(const struct vm_object *obj, uint32_t type_id, const void *data, size_t size,
                     char **json)
{
    *json = NULL;
    const struct elf_btf *btf = obj->priv;
    if (!btf || !btf->types || !type_of(btf, type_id))
        return -ENOENT;
    struct sbuf b = {0};
    emit(btf, &b, type_id, data, size, 0);
    if (b.oom || !b.p) {
        free(b.p);
        return -ENOMEM;
    }
    *json = b.p;
    return 0;
}
