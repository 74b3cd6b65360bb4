/* vm/elf_reloc.c - program relocations and linking, as libbpf does them.
 *
 * elf_reloc_collect checks every relocation of a code section once, whether
 * or not a program ends up using it:
 *   R_BPF_64_64 (1) on an ld_imm64 against a map symbol (".maps" or "maps")
 *     -> REL_MAP; against a global-data section or a symbol in one
 *     -> REL_DATA with offset = symbol value + the imm already in the insn;
 *     against a function of .text or the same section (a callback for
 *     bpf_loop & co.) -> REL_FUNC, target byte = symbol value + imm;
 *   R_BPF_64_32 (10, and 2 in old LLVM) on a `call` with src_reg
 *     BPF_PSEUDO_CALL against a function of .text or of the same section
 *     -> REL_CALL (target slot = symbol value / 8 + imm + 1, as libbpf);
 *   R_BPF_NONE is skipped; everything else is an error naming the section,
 *   the relocation, its symbol and what is wrong.
 *
 * elf_link_prog lays a program out as libbpf does: the program's own slots,
 * then each subprogram it calls (transitively), appended once, depth-first
 * (a subprogram's own callees follow it before the caller's next callee,
 * as libbpf's recursive bpf_object__reloc_code has it); call imms become
 * relative to the new layout; lddw of maps get src_reg BPF_PSEUDO_MAP_IDX / BPF_PSEUDO_MAP_IDX_VALUE with the map
 * index in imm (and the value offset in the second slot's imm); callback
 * addresses get src_reg BPF_PSEUDO_FUNC and an imm relative like a call's
 * (target = slot + imm + 1), the subprogram appended as for a call. Line info
 * follows each piece to its new slots. */
#include "vm/elf_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct bpf_insn insn_at(const struct elf_sec *s, uint32_t i)
{
    struct bpf_insn in;
    memcpy(&in, s->data + (size_t)i * sizeof(in), sizeof(in));
    return in;
}

static bool is_call(const struct bpf_insn *in)
{
    return in->code == (BPF_JMP | BPF_CALL);
}

static int cmp_rel(const void *a, const void *b)
{
    const struct elf_rel *x = a, *y = b;
    return x->insn < y->insn ? -1 : x->insn > y->insn;
}

/* "program 'foo': " for slot `insn` of `sec`, or "" outside any function. */
static void prog_of(const struct elf_ctx *c, uint32_t sec, uint32_t insn, char *buf, size_t len)
{
    const struct elf_func *f = elf_func_at(c, sec, insn);
    if (f)
        snprintf(buf, len, "program '%s': ", f->name);
    else
        buf[0] = '\0';
}

int elf_reloc_collect(struct elf_ctx *c, uint32_t secidx)
{
    struct elf_sec *s = &c->secs[secidx];
    const struct elf_sec *rs = &c->secs[s->rel];
    uint32_t n = (uint32_t)(rs->size / sizeof(Elf64_Rel));
    if (n == 0)
        return 0;
    Elf_Scn *scn = elf_getscn(c->elf, s->rel);
    Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
    if (!d || d->d_size != rs->size)
        return elf_fail(c, -EINVAL, "section '%s': cannot read the relocations (%s)", rs->name,
                        elf_errmsg(-1));
    s->rels = calloc(n, sizeof(*s->rels));
    if (!s->rels)
        return elf_fail(c, -ENOMEM, "out of memory");
    char where[96];
    for (uint32_t k = 0; k < n; k++) {
        GElf_Rel rel;
        if (!gelf_getrel(d, (int)k, &rel))
            return elf_fail(c, -EINVAL, "section '%s': relocation %u unreadable", s->name, k);
        uint32_t type = (uint32_t)GELF_R_TYPE(rel.r_info), si = (uint32_t)GELF_R_SYM(rel.r_info);
        if (type == R_BPF_NONE)
            continue;
        if (si == 0 || si >= c->n_syms)
            return elf_fail(c, -EINVAL, "section '%s': relocation %u: symbol index %u out of range (%u symbols)",
                            s->name, k, si, c->n_syms);
        const struct elf_sym *sym = &c->syms[si];
        const char *sn = sym->name;
        if (rel.r_offset % sizeof(struct bpf_insn) || rel.r_offset >= s->size)
            return elf_fail(c, -EINVAL, "section '%s': relocation %u against '%s': offset %llu is not an instruction of the section (%llu bytes)",
                            s->name, k, sn, (unsigned long long)rel.r_offset, (unsigned long long)s->size);
        uint32_t i = (uint32_t)(rel.r_offset / sizeof(struct bpf_insn));
        struct bpf_insn in = insn_at(s, i);
        prog_of(c, secidx, i, where, sizeof where);
        struct elf_rel *r = &s->rels[s->n_rels];
        r->insn = i;

        if (type == ELF_R_BPF_64_64) {
            if (!vm_insn_is_lddw(&in))
                return elf_fail(c, -EINVAL, "section '%s': relocation %u against '%s': insn %u is not an ld_imm64 (opcode 0x%02x)",
                                s->name, k, sn, i, in.code);
            if (i + 1 >= s->n_insns)
                return elf_fail(c, -EINVAL, "section '%s': relocation %u against '%s': the ld_imm64 at insn %u is cut short by the end of the section",
                                s->name, k, sn, i);
            if (sym->shndx == SHN_UNDEF)
                return elf_fail(c, -ENOTSUP, "section '%s': %sinsn %u: extern '%s' (a ksym or kconfig variable) is not supported",
                                s->name, where, i, sn);
            if (sym->shndx >= c->n_secs)
                return elf_fail(c, -ENOTSUP, "section '%s': %sinsn %u: '%s' is an absolute or common symbol, not a map or global data",
                                s->name, where, i, sn);
            const struct elf_sec *ts = &c->secs[sym->shndx];
            if (ts->kind == SEC_MAPS_BTF || ts->kind == SEC_MAPS_LEGACY) {
                uint64_t off = sym->value + (sym->type == STT_SECTION ? (uint64_t)(int64_t)in.imm : 0);
                int32_t m = elf_map_at(c, sym->shndx, off);
                if (m < 0)
                    return elf_fail(c, -EINVAL, "section '%s': %sinsn %u: '%s' (offset %llu of section '%s') is not a map definition",
                                    s->name, where, i, sn, (unsigned long long)off, ts->name);
                r->kind = REL_MAP;
                r->map = (uint32_t)m;
            } else if (ts->kind == SEC_DATA) {
                if (ts->map < 0)
                    return elf_fail(c, -EINVAL, "section '%s': %sinsn %u: '%s' points into section '%s', which is empty",
                                    s->name, where, i, sn, ts->name);
                /* sections are at most ELF_MAX_DATA_SIZE: no overflow below */
                int64_t off = sym->value > ts->size ? -1 : (int64_t)sym->value + (int64_t)in.imm;
                if (off < 0 || (uint64_t)off >= ts->size)
                    return elf_fail(c, -EINVAL, "section '%s': %sinsn %u: '%s'%+d is offset %lld, outside section '%s' (%llu bytes)",
                                    s->name, where, i, sn, in.imm, (long long)off, ts->name,
                                    (unsigned long long)ts->size);
                r->kind = REL_DATA;
                r->map = (uint32_t)ts->map;
                r->offset = (uint32_t)off;
            } else if (ts->kind == SEC_TEXT || ts->kind == SEC_PROG) {
                /* a callback's address: (symbol value + imm) bytes into
                 * the section, as libbpf's RELO_SUBPROG_ADDR */
                if (ts->kind != SEC_TEXT && sym->shndx != secidx)
                    return elf_fail(c, -EINVAL, "section '%s': %sinsn %u: address of '%s' in section '%s': callbacks must be in .text or in the caller's section",
                                    s->name, where, i, sn, ts->name);
                if (in.src_reg != 0 && in.src_reg != BPF_PSEUDO_FUNC)
                    return elf_fail(c, -EINVAL, "section '%s': %sinsn %u: address of function '%s' loaded with src_reg %u",
                                    s->name, where, i, sn, in.src_reg);
                int64_t off = sym->value > ts->size ? -1 : (int64_t)sym->value + (int64_t)in.imm;
                int32_t f = off >= 0 && off % 8 == 0 && (uint64_t)off < ts->size
                                ? elf_func_starting(c, sym->shndx, (uint32_t)(off / 8))
                                : -1;
                if (f < 0)
                    return elf_fail(c, -EINVAL, "section '%s': %sinsn %u: address of '%s'%+d: offset %lld of section '%s' is not the start of a function",
                                    s->name, where, i, sn, in.imm, (long long)off, ts->name);
                r->kind = REL_FUNC;
                r->func = (uint32_t)f;
            } else {
                return elf_fail(c, -EINVAL, "section '%s': relocation %u against '%s': symbol in section '%s', which is neither a map nor global data",
                                s->name, k, sn, ts->name);
            }
        } else if (type == ELF_R_BPF_64_32 || type == ELF_R_BPF_64_ABS64) {
            if (!is_call(&in))
                return elf_fail(c, -EINVAL, "section '%s': relocation %u against '%s': insn %u is not a call (opcode 0x%02x)",
                                s->name, k, sn, i, in.code);
            if (sym->shndx == SHN_UNDEF)
                return elf_fail(c, -ENOTSUP, "section '%s': %sinsn %u: call to extern function '%s' (a kfunc) is not supported",
                                s->name, where, i, sn);
            if (in.src_reg != BPF_PSEUDO_CALL)
                return elf_fail(c, -EINVAL, "section '%s': relocation %u against '%s': the call at insn %u has src_reg %u, not %u (a bpf-to-bpf call)",
                                s->name, k, sn, i, in.src_reg, BPF_PSEUDO_CALL);
            if (sym->shndx >= c->n_secs ||
                (c->secs[sym->shndx].kind != SEC_TEXT && sym->shndx != secidx))
                return elf_fail(c, -EINVAL, "section '%s': %sinsn %u: call to '%s' in section '%s': subprograms must be in .text or in the caller's section",
                                s->name, where, i, sn,
                                sym->shndx < c->n_secs ? c->secs[sym->shndx].name : "?");
            const struct elf_sec *ts = &c->secs[sym->shndx];
            if (sym->value % 8)
                return elf_fail(c, -EINVAL, "section '%s': relocation %u against '%s': offset %llu is not a multiple of 8",
                                s->name, k, sn, (unsigned long long)sym->value);
            int64_t t = (int64_t)(sym->value / 8) + (int64_t)in.imm + 1;
            int32_t f = t >= 0 && t < (int64_t)ts->n_insns ? elf_func_starting(c, sym->shndx, (uint32_t)t) : -1;
            if (f < 0)
                return elf_fail(c, -EINVAL, "section '%s': %sinsn %u: call to '%s'%+lld: insn %lld of section '%s' is not the start of a function",
                                s->name, where, i, sn, (long long)in.imm + 1, (long long)t, ts->name);
            r->kind = REL_CALL;
            r->func = (uint32_t)f;
        } else {
            return elf_fail(c, -EINVAL, "section '%s': relocation %u against '%s': unsupported type %u",
                            s->name, k, sn, type);
        }
        s->n_rels++;
    }
    qsort(s->rels, s->n_rels, sizeof(*s->rels), cmp_rel);
    for (uint32_t k = 1; k < s->n_rels; k++)
        if (s->rels[k].insn == s->rels[k - 1].insn)
            return elf_fail(c, -EINVAL, "section '%s': two relocations for insn %u", s->name,
                            s->rels[k].insn);
    return 0;
}

static const struct elf_rel *rel_at(const struct elf_sec *s, uint32_t insn)
{
    uint32_t lo = 0, hi = s->n_rels;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->rels[mid].insn < insn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n_rels && s->rels[lo].insn == insn ? &s->rels[lo] : NULL;
}

/* ---------------------------------------------------------------- link ---- */

struct piece {
    uint32_t func;   /* index into ctx->funcs */
    uint32_t at;     /* first slot in the program */
};

struct linker {
    struct elf_ctx *c;
    const char *prog;       /* name, for messages */
    const char *section;
    struct bpf_insn *insns;
    uint32_t len, cap;
    struct piece *pieces;
    uint32_t n_pieces, cap_pieces;
    struct vm_map_reloc *relocs;
    uint32_t n_relocs, cap_relocs;
};

static int grow(void **p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    uint64_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *g = realloc(*p, (size_t)n * elem);
    if (!g)
        return -ENOMEM;
    *p = g;
    *cap = (uint32_t)n;
    return 0;
}

/* Slot where function `fi` starts in the program, appending it if new. */
static int place(struct linker *lk, uint32_t fi, uint32_t *at)
{
    struct elf_ctx *c = lk->c;
    if (c->func_slot[fi] != UINT32_MAX) {
        *at = c->func_slot[fi];
        return 0;
    }
    const struct elf_func *f = &c->funcs[fi];
    if ((uint64_t)lk->len + f->len > VM_MAX_INSNS)
        return elf_fail(c, -E2BIG, "section '%s': program '%s': more than %u instructions with its subprograms",
                        lk->section, lk->prog, VM_MAX_INSNS);
    if (c->total_insns + f->len > ELF_MAX_TOTAL_INSNS)
        return elf_fail(c, -E2BIG, "the object's programs total more than %u instructions with their subprograms",
                        ELF_MAX_TOTAL_INSNS);
    if (grow((void **)&lk->insns, &lk->cap, lk->len + f->len, sizeof(*lk->insns)) ||
        grow((void **)&lk->pieces, &lk->cap_pieces, lk->n_pieces + 1, sizeof(*lk->pieces)))
        return elf_fail(c, -ENOMEM, "out of memory");
    memcpy(lk->insns + lk->len, c->secs[f->sec].data + (size_t)f->start * sizeof(struct bpf_insn),
           (size_t)f->len * sizeof(struct bpf_insn));
    lk->pieces[lk->n_pieces].func = fi;
    lk->pieces[lk->n_pieces].at = lk->len;
    lk->n_pieces++;
    c->func_slot[fi] = lk->len;
    *at = lk->len;
    lk->len += f->len;
    c->total_insns += f->len;
    return 0;
}

static int add_reloc(struct linker *lk, uint32_t insn, uint32_t map, uint32_t offset, bool value)
{
    if (grow((void **)&lk->relocs, &lk->cap_relocs, lk->n_relocs + 1, sizeof(*lk->relocs)))
        return elf_fail(lk->c, -ENOMEM, "out of memory");
    lk->relocs[lk->n_relocs++] = (struct vm_map_reloc){.insn = insn, .map = map, .offset = offset,
                                                        .value = value};
    return 0;
}

/* Relocate every slot of the program, appending subprograms depth-first
 * as libbpf does: at the first call into a function not yet in the
 * program, the function is appended and relocated at once (its own calls
 * included) before the caller goes on. An explicit stack keeps deep call
 * chains off the C stack. */
struct frame {
    uint32_t piece;  /* index into lk->pieces */
    uint32_t j;      /* next slot of the piece's function */
};

static int link_all(struct linker *lk)
{
    struct elf_ctx *c = lk->c;
    struct frame *st = NULL;
    uint32_t n_st = 0, cap_st = 0;
    int rc = 0;
    if (grow((void **)&st, &cap_st, 1, sizeof(*st)))
        return elf_fail(c, -ENOMEM, "out of memory");
    st[n_st++] = (struct frame){0, 0};
    while (n_st && !rc) {
        uint32_t p = st[n_st - 1].piece, j = st[n_st - 1].j;
        const struct elf_func *f = &c->funcs[lk->pieces[p].func];
        const struct elf_sec *s = &c->secs[f->sec];
        uint32_t base = lk->pieces[p].at;
        bool descend = false;
        for (; j < f->len && !rc && !descend; j++) {
            uint32_t i = base + j, si = f->start + j;
            struct bpf_insn *in = &lk->insns[i];
            const struct elf_rel *r = rel_at(s, si);
            bool lddw = vm_insn_is_lddw(in);
            int64_t target = -1; /* function index a call or address needs */
            if (lddw && j + 1 >= f->len) {
                rc = elf_fail(c, -EINVAL, "section '%s': function '%s': the ld_imm64 at insn %u is cut short by the end of the function",
                              s->name, f->name, si);
                break;
            }
            if (r && r->kind == REL_MAP) {
                in->src_reg = BPF_PSEUDO_MAP_IDX;
                in->imm = (int32_t)r->map;
                lk->insns[i + 1].imm = 0;
                rc = add_reloc(lk, i, r->map, 0, false);
            } else if (r && r->kind == REL_DATA) {
                in->src_reg = BPF_PSEUDO_MAP_IDX_VALUE;
                in->imm = (int32_t)r->map;
                lk->insns[i + 1].imm = (int32_t)r->offset;
                rc = add_reloc(lk, i, r->map, r->offset, true);
            } else if (r && (r->kind == REL_CALL || r->kind == REL_FUNC)) {
                target = r->func;
            } else if ((is_call(in) && in->src_reg == BPF_PSEUDO_CALL) ||
                       (lddw && in->src_reg == BPF_PSEUDO_FUNC)) {
                /* a call (or callback address) inside the section without
                 * relocation: imm is relative to the section's own layout */
                int64_t t = (int64_t)si + in->imm + 1;
                target = t >= 0 && t < (int64_t)s->n_insns ? elf_func_starting(c, f->sec, (uint32_t)t) : -1;
                if (target < 0)
                    rc = elf_fail(c, -EINVAL, "section '%s': function '%s': insn %u: %s %+d to insn %lld of the section, which is not the start of a function",
                                  s->name, f->name, si, lddw ? "function address" : "call", in->imm,
                                  (long long)t);
            } else if (is_call(in) && in->src_reg == BPF_PSEUDO_KFUNC_CALL) {
                rc = elf_fail(c, -ENOTSUP, "section '%s': function '%s': insn %u: kfunc call (src_reg %u) without a relocation",
                              s->name, f->name, si, in->src_reg);
            } else if (lddw && in->src_reg != 0) {
                rc = elf_fail(c, -EINVAL, "section '%s': function '%s': insn %u: ld_imm64 with src_reg %u but no relocation",
                              s->name, f->name, si, in->src_reg);
            }
            if (rc)
                break;
            if (target >= 0) {
                uint32_t fi = (uint32_t)target, at;
                if (c->func_slot[fi] == UINT32_MAX) {
                    /* append, relocate it first, then come back to this slot */
                    if ((rc = place(lk, fi, &at)))
                        break;
                    if (grow((void **)&st, &cap_st, n_st + 1, sizeof(*st))) {
                        rc = elf_fail(c, -ENOMEM, "out of memory");
                        break;
                    }
                    st[n_st - 1].j = j;
                    st[n_st++] = (struct frame){lk->n_pieces - 1, 0};
                    descend = true;
                    break;
                }
                at = c->func_slot[fi];
                in->imm = (int32_t)((int64_t)at - (int64_t)i - 1);
                if (lddw) {
                    in->src_reg = BPF_PSEUDO_FUNC;
                    lk->insns[i + 1].imm = 0;
                }
            }
            if (lddw) {
                j++;
                if (rel_at(s, si + 1)) {
                    rc = elf_fail(c, -EINVAL, "section '%s': function '%s': relocation at insn %u, the second half of an ld_imm64",
                                  s->name, f->name, si + 1);
                    break;
                }
            }
        }
        if (!descend && !rc)
            n_st--;
    }
    free(st);
    return rc;
}

static int cmp_reloc(const void *a, const void *b)
{
    const struct vm_map_reloc *x = a, *y = b;
    return x->insn < y->insn ? -1 : x->insn > y->insn;
}

/* Line info of every piece, moved to the piece's slots. */
static int link_lines(struct linker *lk, struct vm_obj_prog *out)
{
    struct elf_ctx *c = lk->c;
    uint64_t n = 0;
    for (uint32_t p = 0; p < lk->n_pieces; p++)
        n += c->secs[c->funcs[lk->pieces[p].func].sec].n_lines; /* an upper bound */
    if (n == 0)
        return 0;
    out->lines = calloc(n, sizeof(*out->lines));
    if (!out->lines)
        return elf_fail(c, -ENOMEM, "out of memory");
    for (uint32_t p = 0; p < lk->n_pieces; p++) {
        const struct elf_func *f = &c->funcs[lk->pieces[p].func];
        const struct elf_sec *s = &c->secs[f->sec];
        uint32_t lo = 0, hi = s->n_lines;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (s->lines[mid].insn < f->start)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (uint32_t k = lo; k < s->n_lines && s->lines[k].insn - f->start < f->len; k++) {
            struct vm_line_info *l = &out->lines[out->n_lines++];
            l->insn = lk->pieces[p].at + (s->lines[k].insn - f->start);
            l->line = s->lines[k].line;
            l->col = s->lines[k].col;
            l->file = s->lines[k].file;
            l->text = s->lines[k].text;
        }
    }
    return 0;
}

int elf_link_prog(struct elf_ctx *c, const struct elf_func *main_fn, struct vm_obj_prog *out)
{
    struct linker lk = {.c = c, .prog = main_fn->name, .section = c->secs[main_fn->sec].name};
    uint32_t at;
    if (!c->func_slot) {
        c->func_slot = malloc((size_t)c->n_funcs * sizeof(*c->func_slot));
        if (!c->func_slot)
            return elf_fail(c, -ENOMEM, "out of memory");
        memset(c->func_slot, 0xff, (size_t)c->n_funcs * sizeof(*c->func_slot));
    }
    int rc = place(&lk, (uint32_t)(main_fn - c->funcs), &at);
    if (!rc)
        rc = link_all(&lk);
    if (!rc)
        rc = link_lines(&lk, out);
    if (!rc) {
        char perr[VM_ERR_LEN];
        rc = vm_prog_from_bytes(lk.insns, (size_t)lk.len * sizeof(struct bpf_insn), main_fn->name,
                                &out->prog, perr, sizeof perr);
        if (rc)
            rc = elf_fail(c, rc, "section '%s': program '%s': %s", c->secs[main_fn->sec].name,
                          main_fn->name, perr);
    }
    if (!rc) {
        /* the pieces were placed one after the other: already by slot */
        out->funcs = calloc(lk.n_pieces ? lk.n_pieces : 1, sizeof(*out->funcs));
        if (!out->funcs)
            rc = elf_fail(c, -ENOMEM, "out of memory");
        for (uint32_t p = 0; !rc && p < lk.n_pieces; p++) {
            out->funcs[p].insn = lk.pieces[p].at;
            snprintf(out->funcs[p].name, sizeof out->funcs[p].name, "%s",
                     c->funcs[lk.pieces[p].func].name);
        }
        if (!rc)
            out->n_funcs = lk.n_pieces;
    }
    if (!rc) {
        if (lk.n_relocs > 1)
            qsort(lk.relocs, lk.n_relocs, sizeof(*lk.relocs), cmp_reloc);
        out->relocs = lk.relocs;
        out->n_relocs = lk.n_relocs;
        lk.relocs = NULL;
    }
    for (uint32_t p = 0; p < lk.n_pieces; p++)
        c->func_slot[lk.pieces[p].func] = UINT32_MAX;
    free(lk.insns);
    free(lk.pieces);
    free(lk.relocs);
    return rc;
}
