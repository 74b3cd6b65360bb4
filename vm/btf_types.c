/* vm/btf_types.c - the object's BTF types, looked at one at a time: what
 * typed test inputs need to turn "{prefixlen: 24, addr: 203.0.113.0}" into
 * the bytes of a map key (helpers/typed.c). */
#include "vm/elf_int.h"

#include <linux/btf.h>

#include <errno.h>
#include <string.h>

#define MAX_DEPTH 32

static const struct elf_btf *btf_of(const struct vm_object *obj)
{
    const struct elf_btf *btf = obj ? obj->priv : NULL;
    return btf && btf->types ? btf : NULL;
}

static const struct btf_type *type_at(const struct elf_btf *btf, uint32_t id)
{
    if (!btf || id == 0 || id >= btf->n)
        return NULL;
    return (const struct btf_type *)((const uint8_t *)btf->types + btf->off[id]);
}

static const char *str_at(const struct elf_btf *btf, uint32_t off)
{
    return off < btf->str_len ? btf->strs + off : "";
}

static uint64_t size_of(const struct elf_btf *btf, uint32_t id, int depth);

/* Follow typedefs, qualifiers and vars; *alias gets the outermost typedef's
 * name. */
static uint32_t resolve(const struct elf_btf *btf, uint32_t id, const char **alias)
{
    for (int i = 0; i < MAX_DEPTH; i++) {
        const struct btf_type *t = type_at(btf, id);
        if (!t)
            return 0;
        switch (BTF_INFO_KIND(t->info)) {
        case BTF_KIND_TYPEDEF:
            if (alias && !**alias)
                *alias = str_at(btf, t->name_off);
            /* fall through */
        case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT:
        case BTF_KIND_TYPE_TAG: case BTF_KIND_VAR:
            id = t->type;
            continue;
        default:
            return id;
        }
    }
    return 0;
}

static uint64_t size_of(const struct elf_btf *btf, uint32_t id, int depth)
{
    id = resolve(btf, id, NULL);
    const struct btf_type *t = type_at(btf, id);
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
        return (uint64_t)a->nelems * size_of(btf, a->type, depth + 1);
    }
    }
    return 0;
}

int vm_btf_type(const struct vm_object *obj, uint32_t id, struct vm_btf_type *out)
{
    memset(out, 0, sizeof(*out));
    out->name = out->alias = "";
    const struct elf_btf *btf = btf_of(obj);
    uint32_t rid = resolve(btf, id, &out->alias);
    const struct btf_type *t = type_at(btf, rid);
    if (!t)
        return -ENOENT;
    out->id = rid;
    out->name = str_at(btf, t->name_off);
    out->size = (uint32_t)size_of(btf, rid, 0);
    switch (BTF_INFO_KIND(t->info)) {
    case BTF_KIND_INT: {
        uint32_t enc = *(const uint32_t *)(t + 1);
        out->kind = VM_BTF_INT;
        out->is_signed = BTF_INT_ENCODING(enc) & BTF_INT_SIGNED;
        out->is_bool = BTF_INT_ENCODING(enc) & BTF_INT_BOOL;
        out->is_char = (BTF_INT_ENCODING(enc) & BTF_INT_CHAR) || !strcmp(out->name, "char");
        break;
    }
    case BTF_KIND_PTR: out->kind = VM_BTF_PTR; break;
    case BTF_KIND_FLOAT: out->kind = VM_BTF_FLOAT; break;
    case BTF_KIND_ARRAY: {
        const struct btf_array *a = (const struct btf_array *)(t + 1);
        out->kind = VM_BTF_ARRAY;
        out->elem = a->type;
        out->nelems = a->nelems;
        break;
    }
    case BTF_KIND_STRUCT: out->kind = VM_BTF_STRUCT; out->vlen = BTF_INFO_VLEN(t->info); break;
    case BTF_KIND_UNION: out->kind = VM_BTF_UNION; out->vlen = BTF_INFO_VLEN(t->info); break;
    case BTF_KIND_DATASEC: out->kind = VM_BTF_DATASEC; out->vlen = BTF_INFO_VLEN(t->info); break;
    case BTF_KIND_ENUM:
        out->kind = VM_BTF_ENUM;
        out->vlen = BTF_INFO_VLEN(t->info);
        out->is_signed = BTF_INFO_KFLAG(t->info);
        break;
    default:
        out->kind = VM_BTF_OTHER;
        break;
    }
    return 0;
}

int vm_btf_member(const struct vm_object *obj, uint32_t id, uint32_t i, struct vm_btf_member *out)
{
    memset(out, 0, sizeof(*out));
    const struct elf_btf *btf = btf_of(obj);
    const struct btf_type *t = type_at(btf, resolve(btf, id, NULL));
    if (!t || i >= BTF_INFO_VLEN(t->info))
        return -ENOENT;
    switch (BTF_INFO_KIND(t->info)) {
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
        const struct btf_member *m = (const struct btf_member *)(t + 1) + i;
        bool kflag = BTF_INFO_KFLAG(t->info);
        out->name = str_at(btf, m->name_off);
        out->type = m->type;
        out->bit_offset = kflag ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
        out->bit_size = kflag ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
        return 0;
    }
    case BTF_KIND_DATASEC: {
        const struct btf_var_secinfo *v = (const struct btf_var_secinfo *)(t + 1) + i;
        const struct btf_type *var = type_at(btf, v->type);
        out->name = var ? str_at(btf, var->name_off) : "";
        out->type = v->type;
        out->bit_offset = v->offset * 8;
        return 0;
    }
    default:
        return -EINVAL;
    }
}

int vm_btf_enum(const struct vm_object *obj, uint32_t id, uint32_t i, const char **name,
                int64_t *value)
{
    const struct elf_btf *btf = btf_of(obj);
    const struct btf_type *t = type_at(btf, resolve(btf, id, NULL));
    if (!t || BTF_INFO_KIND(t->info) != BTF_KIND_ENUM || i >= BTF_INFO_VLEN(t->info))
        return -ENOENT;
    const struct btf_enum *e = (const struct btf_enum *)(t + 1) + i;
    *name = str_at(btf, e->name_off);
    *value = BTF_INFO_KFLAG(t->info) ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
    return 0;
}
