/* vm/elf_maps.c - the object's map definitions, in this order (it is the
 * order of obj->maps, so of the map indices in relocations):
 *   1. "maps": libbpf's legacy struct bpf_map_def (20 bytes per symbol) or
 *      iproute2's struct bpf_elf_map (36 bytes), told apart by the size of
 *      the section per map symbol;
 *   2. ".maps": BTF-defined maps, in the order of the ".maps" DATASEC; a
 *      map-in-map's inner template (`__array(values, struct {...})`) follows
 *      its outer map as "<outer>.inner" with is_inner set;
 *   3. global data, in section order: .data, .data.*, .rodata, .rodata.*
 *      (read-only), .bss, .bss.* (zeroes): one single-element ARRAY each
 *      (key 4 bytes, value = the section), named after the section itself
 *      (".rodata", ".data.custom", ".rodata.str1.1"), as bpfemu's kernel
 *      runner names them; empty sections get no map.
 * Then the slots objects initialise: `.values = {...}` through .rel.maps
 * and iproute2's "<map id>/<key>" tail-call sections. */
#include "vm/elf_int.h"

#include <errno.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAP_NAME_MAX (sizeof(((struct vm_map_def *)0)->name) - 1)

int elf_map_add(struct elf_ctx *c, const struct vm_map_def *def, const struct elf_map_loc *loc)
{
    struct vm_object *obj = c->obj;
    if (obj->n_maps == c->maps_cap) {
        uint32_t cap = c->maps_cap ? 2 * c->maps_cap : 8;
        struct vm_map_def *m = realloc(obj->maps, cap * sizeof(*m));
        if (!m)
            return elf_fail(c, -ENOMEM, "out of memory");
        obj->maps = m;
        struct elf_map_loc *l = realloc(c->map_locs, cap * sizeof(*l));
        if (!l)
            return elf_fail(c, -ENOMEM, "out of memory");
        c->map_locs = l;
        c->maps_cap = cap;
    }
    obj->maps[obj->n_maps] = *def;
    c->map_locs[obj->n_maps] = *loc;
    obj->n_maps++;
    return 0;
}

int32_t elf_map_at(const struct elf_ctx *c, uint32_t sec, uint64_t off)
{
    for (uint32_t i = 0; i < c->obj->n_maps; i++)
        if (c->map_locs[i].sec == sec && c->map_locs[i].off == off)
            return (int32_t)i;
    return -1;
}

static void def_init(struct vm_map_def *d, const char *name, enum vm_map_origin origin)
{
    memset(d, 0, sizeof(*d));
    snprintf(d->name, sizeof d->name, "%s", name);
    d->origin = origin;
    d->inner = -1;
}

static int add_init(struct elf_ctx *c, uint32_t map, uint32_t key, const char *target,
                    const char *where)
{
    struct vm_map_def *d = &c->obj->maps[map];
    if (key >= d->max_entries)
        return elf_fail(c, -EINVAL, "%s: map '%s': slot %u is beyond max_entries %u", where,
                        d->name, key, d->max_entries);
    for (uint32_t i = 0; i < d->n_inits; i++)
        if (d->inits[i].key == key)
            return elf_fail(c, -EINVAL, "%s: map '%s': slot %u is set twice ('%s' and '%s')",
                            where, d->name, key, d->inits[i].target, target);
    struct vm_map_init *g = realloc(d->inits, (d->n_inits + 1) * sizeof(*g));
    if (!g)
        return elf_fail(c, -ENOMEM, "out of memory");
    d->inits = g;
    g[d->n_inits].key = key;
    snprintf(g[d->n_inits].target, sizeof g[0].target, "%s", target);
    d->n_inits++;
    return 0;
}

/* ------------------------------------------------------------ "maps" ---- */

static int cmp_sym_value(const void *a, const void *b)
{
    const struct elf_sym *x = *(const struct elf_sym *const *)a, *y = *(const struct elf_sym *const *)b;
    return x->value < y->value ? -1 : x->value > y->value;
}

int elf_maps_legacy(struct elf_ctx *c, uint32_t sec)
{
    const struct elf_sec *s = &c->secs[sec];
    uint32_t n = 0;
    for (uint32_t i = 1; i < c->n_syms; i++)
        if (c->syms[i].shndx == sec && c->syms[i].type != STT_SECTION && c->syms[i].type != STT_FILE)
            n++;
    if (n == 0) {
        if (s->size)
            return elf_fail(c, -EINVAL, "section 'maps': %llu bytes but no map symbols",
                            (unsigned long long)s->size);
        return 0;
    }
    if (!s->data)
        return elf_fail(c, -EINVAL, "section 'maps': no contents (SHT_NOBITS or empty) for %u map symbols", n);
    if (s->size % n)
        return elf_fail(c, -EINVAL, "section 'maps': %llu bytes do not divide into %u map definitions",
                        (unsigned long long)s->size, n);
    uint64_t def_sz = s->size / n;
    const struct elf_sym **syms = calloc(n, sizeof(*syms));
    if (!syms)
        return elf_fail(c, -ENOMEM, "out of memory");
    n = 0;
    for (uint32_t i = 1; i < c->n_syms; i++)
        if (c->syms[i].shndx == sec && c->syms[i].type != STT_SECTION && c->syms[i].type != STT_FILE)
            syms[n++] = &c->syms[i];
    qsort(syms, n, sizeof(*syms), cmp_sym_value);

    /* 16 or 20 bytes: struct bpf_map_def (older ones lack map_flags);
     * 36: struct bpf_elf_map; other multiples of 4 above 20: a bpf_map_def
     * whose extra bytes are all zero (what libbpf accepted). */
    bool elf_map = def_sz == 36, known = def_sz >= 16 && def_sz % 4 == 0;
    uint32_t first = c->obj->n_maps;
    int rc = 0;
    for (uint32_t k = 0; k < n && !rc; k++) {
        const struct elf_sym *sym = syms[k];
        const uint8_t *p = NULL;
        if (!sym->name[0])
            rc = elf_fail(c, -EINVAL, "section 'maps': map symbol at offset %llu has no name",
                          (unsigned long long)sym->value);
        else if (strlen(sym->name) > MAP_NAME_MAX)
            rc = elf_fail(c, -EINVAL, "section 'maps': map name '%s' is longer than %zu characters",
                          sym->name, MAP_NAME_MAX);
        else if (sym->value > s->size || def_sz > s->size - sym->value)
            rc = elf_fail(c, -EINVAL, "section 'maps': map '%s' at offset %llu runs past the end of the section (%llu bytes)",
                          sym->name, (unsigned long long)sym->value, (unsigned long long)s->size);
        if (rc)
            break;
        p = s->data + sym->value;
        for (uint64_t b = 20; known && !elf_map && b < def_sz; b++)
            known = p[b] == 0;
        if (!known) {
            rc = elf_fail(c, -EINVAL,
                          "section 'maps': map '%s': %llu-byte definitions are neither libbpf's struct bpf_map_def (20 bytes) nor iproute2's struct bpf_elf_map (36 bytes)",
                          sym->name, (unsigned long long)def_sz);
            break;
        }
        struct vm_map_def d;
        def_init(&d, sym->name, elf_map ? VM_MAP_ELF_MAP : VM_MAP_LEGACY);
        d.type = elf_rd32(p);
        d.key_size = elf_rd32(p + 4);
        d.value_size = elf_rd32(p + 8);
        d.max_entries = elf_rd32(p + 12);
        d.map_flags = def_sz >= 20 ? elf_rd32(p + 16) : 0;
        if (elf_map) {
            d.id = elf_rd32(p + 20);
            d.pinning = elf_rd32(p + 24);
        }
        struct elf_map_loc loc = {.sec = sec, .off = sym->value, .size = def_sz,
                                  .values_off = UINT32_MAX};
        rc = elf_map_add(c, &d, &loc);
    }
    free(syms);
    if (rc || !elf_map)
        return rc;

    /* iproute2 map-in-map: the outer map's inner_id is the id of its inner
     * map (a map of its own too), which goes into the outer map at slot
     * inner_idx of the inner map's definition (none when that is -1). */
    for (uint32_t i = first; i < c->obj->n_maps; i++) {
        const uint8_t *op = s->data + c->map_locs[i].off;
        uint32_t want = elf_rd32(op + 28);
        uint32_t type = c->obj->maps[i].type;
        if (type != BPF_MAP_TYPE_ARRAY_OF_MAPS && type != BPF_MAP_TYPE_HASH_OF_MAPS)
            continue;
        if (want == 0)
            return elf_fail(c, -EINVAL, "section 'maps': map '%s': a map-in-map needs inner_id (the id of its inner map)",
                            c->obj->maps[i].name);
        for (uint32_t j = first; j < c->obj->n_maps; j++) {
            const struct vm_map_def *in = &c->obj->maps[j];
            if (j == i || in->id != want)
                continue;
            if (c->obj->maps[i].inner < 0)
                c->obj->maps[i].inner = (int32_t)j;
            const uint8_t *ip = s->data + c->map_locs[j].off;
            uint32_t idx = elf_rd32(ip + 32);
            if (idx != UINT32_MAX && elf_rd32(ip + 28) == 0 &&
                (rc = add_init(c, i, idx, in->name, "section 'maps'")))
                return rc;
        }
        if (c->obj->maps[i].inner < 0)
            return elf_fail(c, -EINVAL, "section 'maps': map '%s': inner_id %u matches no map's id",
                            c->obj->maps[i].name, want);
    }
    return 0;
}

/* ------------------------------------------------------------ ".maps" ---- */

static void def_from_btf(struct vm_map_def *d, const struct elf_btf_map *m)
{
    d->type = m->type;
    d->key_size = m->key_size;
    d->value_size = m->value_size;
    d->max_entries = m->max_entries;
    d->map_flags = m->map_flags;
    d->pinning = m->pinning;
    d->btf_key_type_id = m->key_type_id;
    d->btf_value_type_id = m->value_type_id;
}

int elf_maps_btf(struct elf_ctx *c, uint32_t sec)
{
    const struct elf_sec *s = &c->secs[sec];
    if (!c->have_btf)
        return elf_fail(c, -EINVAL, "section '.maps': BTF-defined maps need the .BTF section (build with clang -g)");
    uint32_t ds = elf_btf_datasec(c, ".maps");
    if (!ds) {
        if (s->size == 0)
            return 0;
        return elf_fail(c, -EINVAL, "section '.maps': no DATASEC '.maps' in .BTF");
    }
    const struct btf_type *dt = elf_btf_type(c, ds);
    const struct btf_var_secinfo *vi = (const struct btf_var_secinfo *)(dt + 1);
    unsigned vlen = BTF_INFO_VLEN(dt->info);
    for (unsigned k = 0; k < vlen; k++) {
        const struct btf_type *var = elf_btf_type(c, vi[k].type);
        if (!var || BTF_INFO_KIND(var->info) != BTF_KIND_VAR)
            return elf_fail(c, -EINVAL, "section '.maps': DATASEC entry %u is not a variable (type [%u])",
                            k, vi[k].type);
        const char *name = elf_btf_str(c, var->name_off);
        if (!name || !name[0])
            return elf_fail(c, -EINVAL, "section '.maps': DATASEC entry %u has no name", k);
        if (strlen(name) > MAP_NAME_MAX)
            return elf_fail(c, -EINVAL, "section '.maps': map name '%s' is longer than %zu characters",
                            name, MAP_NAME_MAX);
        const struct elf_sym *sym = elf_sym_in(c, sec, name);
        if (!sym)
            return elf_fail(c, -EINVAL, "section '.maps': map '%s' has no symbol", name);
        struct elf_btf_map bm;
        int rc = elf_btf_map_def(c, name, var->type, false, &bm);
        if (rc)
            return rc;
        uint64_t size = sym->size > bm.size ? sym->size : bm.size;
        if (sym->value > s->size || size > s->size - sym->value)
            return elf_fail(c, -EINVAL, "section '.maps': map '%s' (%llu bytes at offset %llu) runs past the end of the section (%llu bytes)",
                            name, (unsigned long long)size, (unsigned long long)sym->value,
                            (unsigned long long)s->size);
        struct vm_map_def d;
        def_init(&d, name, VM_MAP_BTF);
        def_from_btf(&d, &bm);
        struct elf_map_loc loc = {.sec = sec, .off = sym->value, .size = size,
                                  .values_off = bm.has_values ? bm.values_off : UINT32_MAX};
        if ((rc = elf_map_add(c, &d, &loc)))
            return rc;
        if (bm.inner_struct) {
            char iname[sizeof d.name];
            if (strlen(name) + strlen(".inner") > MAP_NAME_MAX)
                return elf_fail(c, -EINVAL, "section '.maps': map name '%s' is too long for its inner map's name '%s.inner' (%zu characters at most)",
                                name, name, MAP_NAME_MAX);
            snprintf(iname, sizeof iname, "%s.inner", name);
            struct elf_btf_map im;
            if ((rc = elf_btf_map_def(c, iname, bm.inner_struct, true, &im)))
                return rc;
            struct vm_map_def in;
            def_init(&in, iname, VM_MAP_BTF);
            def_from_btf(&in, &im);
            in.is_inner = true;
            struct elf_map_loc none = {.values_off = UINT32_MAX};
            if ((rc = elf_map_add(c, &in, &none)))
                return rc;
            c->obj->maps[c->obj->n_maps - 2].inner = (int32_t)(c->obj->n_maps - 1);
        }
    }
    return 0;
}

/* ------------------------------------------------------- global data ---- */

int elf_maps_data(struct elf_ctx *c)
{
    for (uint32_t i = 1; i < c->n_secs; i++) {
        struct elf_sec *s = &c->secs[i];
        if (s->kind != SEC_DATA || s->size == 0)
            continue;
        if (s->size > ELF_MAX_DATA_SIZE)
            return elf_fail(c, -E2BIG, "section '%s': %llu bytes of global data, more than the %u supported",
                            s->name, (unsigned long long)s->size, ELF_MAX_DATA_SIZE);
        if (strlen(s->name) > MAP_NAME_MAX)
            return elf_fail(c, -EINVAL, "section '%s': name longer than %zu characters (it names the map)",
                            s->name, MAP_NAME_MAX);
        struct vm_map_def d;
        def_init(&d, s->name, VM_MAP_DATA);
        d.type = BPF_MAP_TYPE_ARRAY;
        d.key_size = 4;
        d.value_size = (uint32_t)s->size;
        d.max_entries = 1;
        d.readonly = strncmp(s->name, ".rodata", 7) == 0;
        /* as libbpf: .rodata is read-only for programs; all are mmap-able */
        d.map_flags = BPF_F_MMAPABLE | (d.readonly ? BPF_F_RDONLY_PROG : 0);
        d.btf_value_type_id = elf_btf_datasec(c, s->name);
        d.data = s->data ? malloc(s->size) : calloc(1, s->size);
        if (!d.data)
            return elf_fail(c, -ENOMEM, "out of memory");
        if (s->data)
            memcpy(d.data, s->data, s->size);
        struct elf_map_loc loc = {.sec = i, .off = 0, .size = s->size, .values_off = UINT32_MAX};
        int rc = elf_map_add(c, &d, &loc);
        if (rc) {
            free(d.data);
            return rc;
        }
        s->map = (int32_t)(c->obj->n_maps - 1);
    }
    return 0;
}

/* ------------------------------------------------- .values (.rel.maps) ---- */

int elf_maps_values(struct elf_ctx *c)
{
    for (uint32_t sec = 1; sec < c->n_secs; sec++) {
        const struct elf_sec *s = &c->secs[sec];
        if (s->kind != SEC_MAPS_BTF || !s->rel)
            continue;
        const struct elf_sec *rs = &c->secs[s->rel];
        Elf_Scn *scn = elf_getscn(c->elf, s->rel);
        Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
        uint32_t n = (uint32_t)(rs->size / sizeof(Elf64_Rel));
        if (n && (!d || d->d_size != rs->size))
            return elf_fail(c, -EINVAL, "section '%s': cannot read the relocations (%s)", rs->name,
                            elf_errmsg(-1));
        for (uint32_t k = 0; k < n; k++) {
            GElf_Rel rel;
            if (!gelf_getrel(d, (int)k, &rel))
                return elf_fail(c, -EINVAL, "section '%s': relocation %u unreadable", rs->name, k);
            uint32_t type = (uint32_t)GELF_R_TYPE(rel.r_info), si = (uint32_t)GELF_R_SYM(rel.r_info);
            if (si == 0 || si >= c->n_syms)
                return elf_fail(c, -EINVAL, "section '.maps': relocation %u: symbol index %u out of range (%u symbols)",
                                k, si, c->n_syms);
            const struct elf_sym *sym = &c->syms[si];
            if (type != ELF_R_BPF_64_ABS64 && type != ELF_R_BPF_64_64)
                return elf_fail(c, -EINVAL, "section '.maps': relocation %u against '%s': unsupported type %u",
                                k, sym->name, type);
            int32_t m = -1;
            for (uint32_t i = 0; i < c->obj->n_maps; i++) {
                const struct elf_map_loc *l = &c->map_locs[i];
                if (l->sec == sec && rel.r_offset >= l->off && l->size >= 8 &&
                    rel.r_offset - l->off <= l->size - 8)
                    m = (int32_t)i;
            }
            if (m < 0)
                return elf_fail(c, -EINVAL, "section '.maps': relocation %u against '%s': offset %llu is in no map definition",
                                k, sym->name, (unsigned long long)rel.r_offset);
            const struct vm_map_def *md = &c->obj->maps[m];
            const struct elf_map_loc *l = &c->map_locs[m];
            uint64_t moff = rel.r_offset - l->off;
            if (l->values_off == UINT32_MAX || moff < l->values_off || (moff - l->values_off) % 8)
                return elf_fail(c, -EINVAL, "section '.maps': map '%s': relocation %u against '%s' at offset %llu is not a slot of __array(values, ...)",
                                md->name, k, sym->name, (unsigned long long)moff);
            uint64_t key = (moff - l->values_off) / 8;
            if (key >= md->max_entries)
                return elf_fail(c, -EINVAL, "section '.maps': map '%s': slot %llu is beyond max_entries %u",
                                md->name, (unsigned long long)key, md->max_entries);
            if (sym->shndx == SHN_UNDEF)
                return elf_fail(c, -ENOTSUP, "section '.maps': map '%s': slot %llu names extern '%s', which is not supported",
                                md->name, (unsigned long long)key, sym->name);
            const char *target = NULL;
            if (md->type == BPF_MAP_TYPE_PROG_ARRAY) {
                int32_t f = sym->shndx < c->n_secs && sym->value % 8 == 0
                                ? elf_func_starting(c, sym->shndx, (uint32_t)(sym->value / 8 > UINT32_MAX ? UINT32_MAX : sym->value / 8))
                                : -1;
                if (f < 0 || !c->funcs[f].is_prog)
                    return elf_fail(c, -EINVAL, "section '.maps': map '%s': slot %llu: '%s' is not a program",
                                    md->name, (unsigned long long)key, sym->name);
                target = c->funcs[f].name;
            } else if (md->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || md->type == BPF_MAP_TYPE_HASH_OF_MAPS) {
                int32_t t = sym->shndx == sec ? elf_map_at(c, sec, sym->value) : -1;
                if (t < 0)
                    return elf_fail(c, -EINVAL, "section '.maps': map '%s': slot %llu: '%s' is not a BTF-defined map",
                                    md->name, (unsigned long long)key, sym->name);
                target = c->obj->maps[t].name;
            } else {
                return elf_fail(c, -EINVAL, "section '.maps': map '%s': initial values need a prog array or a map-in-map",
                                md->name);
            }
            int rc = add_init(c, (uint32_t)m, (uint32_t)key, target, "section '.maps'");
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ------------------------------------- iproute2 "<id>/<key>" sections ---- */

static bool parse_u32(const char *s, size_t n, uint32_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

int elf_maps_tail_sections(struct elf_ctx *c)
{
    bool any = false;
    for (uint32_t i = 0; i < c->obj->n_maps && !any; i++)
        any = c->obj->maps[i].origin == VM_MAP_ELF_MAP;
    if (!any)
        return 0;
    for (uint32_t p = 0; p < c->obj->n_progs; p++) {
        const struct vm_obj_prog *prog = &c->obj->progs[p];
        if (p > 0 && strcmp(prog->section, c->obj->progs[p - 1].section) == 0)
            continue; /* the section's first program only */
        const char *slash = strchr(prog->section, '/');
        uint32_t id, key;
        if (!slash || !parse_u32(prog->section, (size_t)(slash - prog->section), &id) ||
            !parse_u32(slash + 1, strlen(slash + 1), &key))
            continue;
        int32_t m = -1;
        for (uint32_t i = 0; i < c->obj->n_maps && m < 0; i++)
            if (c->obj->maps[i].origin == VM_MAP_ELF_MAP && c->obj->maps[i].id == id &&
                c->obj->maps[i].type == BPF_MAP_TYPE_PROG_ARRAY)
                m = (int32_t)i;
        if (m < 0)
            return elf_fail(c, -EINVAL, "section '%s': a tail-call section for map id %u, but no bpf_elf_map prog array has that id",
                            prog->section, id);
        char where[160];
        snprintf(where, sizeof where, "section '%s'", prog->section);
        int rc = add_init(c, (uint32_t)m, key, prog->name, where);
        if (rc)
            return rc;
    }
    return 0;
}
