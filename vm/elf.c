/* vm/elf.c - vm_object_load_elf: open a clang -target bpf object from memory
 * (libelf's elf_memory on a private copy), check the ELF header, section
 * headers and symbol table, find the functions, and drive the other elf*.c
 * files (see vm/elf_int.h for who does what). Every check is ours: libelf
 * only reads what we already know lies inside the file. */
#include "vm/elf_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int elf_fail(struct elf_ctx *c, int rc, const char *fmt, ...)
{
    if (c->err && c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

bool vm_is_elf(const void *buf, size_t size)
{
    return buf && size >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0;
}

/* ------------------------------------------------------------ header ---- */

static int check_header(struct elf_ctx *c, const uint8_t *b, size_t size, uint64_t *shnum_out)
{
    if (!vm_is_elf(b, size))
        return elf_fail(c, -EINVAL, "not an ELF file (no \\177ELF magic)");
    if (size < sizeof(Elf64_Ehdr))
        return elf_fail(c, -EINVAL, "truncated ELF header: %zu bytes, %zu needed", size,
                        sizeof(Elf64_Ehdr));
    if (b[EI_CLASS] != ELFCLASS64)
        return elf_fail(c, -EINVAL, "ELF class %u: not a 64-bit object (BPF objects are ELFCLASS64)",
                        b[EI_CLASS]);
    if (b[EI_DATA] != ELFDATA2LSB)
        return elf_fail(c, -EINVAL,
                        "ELF data encoding %u: not a little-endian object (build with -target bpf or bpfel)",
                        b[EI_DATA]);
    if (b[EI_VERSION] != EV_CURRENT)
        return elf_fail(c, -EINVAL, "ELF version %u is not EV_CURRENT (1)", b[EI_VERSION]);
    Elf64_Ehdr eh;
    memcpy(&eh, b, sizeof eh);
    if (eh.e_type != ET_REL)
        return elf_fail(c, -EINVAL,
                        "ELF type %u is not a relocatable object (ET_REL): load the .o clang writes",
                        eh.e_type);
    if (eh.e_machine != EM_BPF)
        return elf_fail(c, -EINVAL, "e_machine %u is not EM_BPF (247)", eh.e_machine);
    if (eh.e_shoff == 0)
        return elf_fail(c, -EINVAL, "no section header table");
    if (eh.e_shentsize != sizeof(Elf64_Shdr))
        return elf_fail(c, -EINVAL, "section header size %u, expected %zu", eh.e_shentsize,
                        sizeof(Elf64_Shdr));
    if (eh.e_shoff > size || size - eh.e_shoff < sizeof(Elf64_Shdr))
        return elf_fail(c, -EINVAL,
                        "truncated file: the section header table at offset %llu is past its end (%zu bytes)",
                        (unsigned long long)eh.e_shoff, size);
    uint64_t shnum = eh.e_shnum;
    if (shnum == 0) { /* extended numbering: the count is in section 0's sh_size */
        Elf64_Shdr s0;
        memcpy(&s0, b + eh.e_shoff, sizeof s0);
        shnum = s0.sh_size;
    }
    if (shnum == 0)
        return elf_fail(c, -EINVAL, "no sections");
    if (shnum >= SHN_LORESERVE)
        return elf_fail(c, -E2BIG, "%llu sections, more than the %u supported",
                        (unsigned long long)shnum, SHN_LORESERVE - 1);
    if ((size - eh.e_shoff) / sizeof(Elf64_Shdr) < shnum)
        return elf_fail(c, -EINVAL,
                        "truncated file: the section header table (%llu entries at offset %llu) ends past its end (%zu bytes)",
                        (unsigned long long)shnum, (unsigned long long)eh.e_shoff, size);
    *shnum_out = shnum;
    return 0;
}

/* ---------------------------------------------------------- sections ---- */

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static bool is_data_name(const char *n)
{
    return strcmp(n, ".data") == 0 || has_prefix(n, ".data.") || strcmp(n, ".rodata") == 0 ||
           has_prefix(n, ".rodata.") || strcmp(n, ".bss") == 0 || has_prefix(n, ".bss.");
}

/* Point s->data at the section's bytes through libelf (raw bytes for the
 * kinds we read byte-wise). */
static int sec_load_data(struct elf_ctx *c, uint32_t i)
{
    struct elf_sec *s = &c->secs[i];
    if (s->type == SHT_NOBITS || s->size == 0 || s->data)
        return 0;
    Elf_Scn *scn = elf_getscn(c->elf, i);
    Elf_Data *d = scn ? elf_rawdata(scn, NULL) : NULL;
    if (!d || d->d_size != s->size || !d->d_buf)
        return elf_fail(c, -EINVAL, "section '%s': cannot read its %llu bytes (%s)", s->name,
                        (unsigned long long)s->size, elf_errmsg(-1));
    s->data = d->d_buf;
    return 0;
}

static int read_sections(struct elf_ctx *c, uint64_t shnum)
{
    size_t strndx;
    if (elf_getshdrstrndx(c->elf, &strndx) != 0)
        return elf_fail(c, -EINVAL, "no section name table (%s)", elf_errmsg(-1));
    if (strndx == 0 || strndx >= shnum)
        return elf_fail(c, -EINVAL, "section name table index %zu out of range (%llu sections)",
                        strndx, (unsigned long long)shnum);
    c->secs = calloc(shnum, sizeof(*c->secs));
    if (!c->secs)
        return elf_fail(c, -ENOMEM, "out of memory");
    c->n_secs = (uint32_t)shnum;

    for (uint32_t i = 0; i < c->n_secs; i++) {
        GElf_Shdr sh;
        Elf_Scn *scn = elf_getscn(c->elf, i);
        if (!scn || !gelf_getshdr(scn, &sh))
            return elf_fail(c, -EINVAL, "section %u: unreadable header (%s)", i, elf_errmsg(-1));
        struct elf_sec *s = &c->secs[i];
        s->type = sh.sh_type;
        s->flags = sh.sh_flags;
        s->link = sh.sh_link;
        s->info = sh.sh_info;
        s->size = sh.sh_size;
        s->entsize = sh.sh_entsize;
        s->map = -1;
        s->name = "";
        s->name_off = sh.sh_name;
        if (i == 0)
            continue;
        if (s->type != SHT_NOBITS &&
            (sh.sh_offset > c->size || s->size > c->size - sh.sh_offset))
            return elf_fail(c, -EINVAL,
                            "truncated file: section %u (%llu bytes at offset %llu) runs past its end (%zu bytes)",
                            i, (unsigned long long)s->size, (unsigned long long)sh.sh_offset, c->size);
    }

    /* Section names. */
    struct elf_sec *ss = &c->secs[strndx];
    if (ss->type != SHT_STRTAB)
        return elf_fail(c, -EINVAL, "section %zu: the section name table is not a string table",
                        strndx);
    ss->name = ".shstrtab";
    int rc = sec_load_data(c, (uint32_t)strndx);
    if (rc)
        return rc;
    if (ss->size == 0 || ss->data[ss->size - 1] != '\0')
        return elf_fail(c, -EINVAL, "section name table does not end in a NUL");
    for (uint32_t i = 1; i < c->n_secs; i++) {
        if (c->secs[i].name_off >= ss->size)
            return elf_fail(c, -EINVAL, "section %u: name offset %u outside the section name table (%llu bytes)",
                            i, c->secs[i].name_off, (unsigned long long)ss->size);
        c->secs[i].name = (const char *)ss->data + c->secs[i].name_off;
    }
    return 0;
}

static int classify_sections(struct elf_ctx *c)
{
    uint32_t btf = 0, btf_ext = 0;
    for (uint32_t i = 1; i < c->n_secs; i++) {
        struct elf_sec *s = &c->secs[i];
        const char *n = s->name;
        if (s->type == SHT_SYMTAB) {
            if (c->symtab)
                return elf_fail(c, -EINVAL, "section '%s': a second symbol table", n);
            c->symtab = i;
            s->kind = SEC_SYMTAB;
        } else if (s->type == SHT_REL) {
            s->kind = SEC_REL;
        } else if (s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR)) {
            s->kind = strcmp(n, ".text") == 0 ? SEC_TEXT : SEC_PROG;
        } else if (strcmp(n, "license") == 0) {
            s->kind = SEC_LICENSE;
        } else if (strcmp(n, "version") == 0) {
            s->kind = SEC_VERSION;
        } else if (strcmp(n, ".maps") == 0) {
            s->kind = SEC_MAPS_BTF;
        } else if (strcmp(n, "maps") == 0) {
            s->kind = SEC_MAPS_LEGACY;
        } else if (is_data_name(n) && (s->type == SHT_PROGBITS || s->type == SHT_NOBITS) &&
                   (s->flags & SHF_ALLOC)) {
            s->kind = SEC_DATA;
        } else if (strcmp(n, ".BTF") == 0) {
            if (btf)
                return elf_fail(c, -EINVAL, "section '.BTF': found twice");
            btf = i;
            s->kind = SEC_BTF;
        } else if (strcmp(n, ".BTF.ext") == 0) {
            if (btf_ext)
                return elf_fail(c, -EINVAL, "section '.BTF.ext': found twice");
            btf_ext = i;
            s->kind = SEC_BTF_EXT;
        } else if (strcmp(n, ".struct_ops") == 0 || strcmp(n, ".struct_ops.link") == 0) {
            return elf_fail(c, -ENOTSUP, "section '%s': struct_ops maps are not supported", n);
        }
        if ((s->kind == SEC_PROG || s->kind == SEC_TEXT || s->kind == SEC_DATA ||
             s->kind == SEC_MAPS_BTF || s->kind == SEC_MAPS_LEGACY || s->kind == SEC_BTF ||
             s->kind == SEC_BTF_EXT) && (s->flags & SHF_COMPRESSED))
            return elf_fail(c, -ENOTSUP, "section '%s': compressed sections are not supported", n);
        if (s->kind == SEC_PROG || s->kind == SEC_TEXT) {
            if (s->size % sizeof(struct bpf_insn))
                return elf_fail(c, -EINVAL, "section '%s': %llu bytes is not a whole number of instructions",
                                n, (unsigned long long)s->size);
            if (s->size / sizeof(struct bpf_insn) > VM_MAX_INSNS)
                return elf_fail(c, -E2BIG, "section '%s': %llu instructions, more than the %u supported",
                                n, (unsigned long long)(s->size / 8), VM_MAX_INSNS);
            s->n_insns = (uint32_t)(s->size / sizeof(struct bpf_insn));
        }
        if (s->kind != SEC_OTHER && s->kind != SEC_REL && s->kind != SEC_SYMTAB) {
            int rc = sec_load_data(c, i);
            if (rc)
                return rc;
        }
    }
    if (!c->symtab)
        return elf_fail(c, -EINVAL, "no symbol table (.symtab): was the object stripped?");

    /* Relocation sections: those for code and for .maps are used, the rest
     * (.BTF, .BTF.ext, DWARF, data) ignored as libbpf ignores them. */
    for (uint32_t i = 1; i < c->n_secs; i++) {
        struct elf_sec *s = &c->secs[i];
        if (s->type != SHT_REL && s->type != SHT_RELA)
            continue;
        if (s->info == 0 || s->info >= c->n_secs)
            return elf_fail(c, -EINVAL, "section '%s': relocations for section index %u, out of range (%u sections)",
                            s->name, s->info, c->n_secs);
        struct elf_sec *t = &c->secs[s->info];
        if (t->kind != SEC_PROG && t->kind != SEC_TEXT && t->kind != SEC_MAPS_BTF)
            continue;
        if (s->type == SHT_RELA)
            return elf_fail(c, -ENOTSUP, "section '%s': RELA relocations for '%s' are not supported (clang writes REL)",
                            s->name, t->name);
        if (s->link != c->symtab)
            return elf_fail(c, -EINVAL, "section '%s': symbol table index %u is not the symbol table (%u)",
                            s->name, s->link, c->symtab);
        if (s->size % sizeof(Elf64_Rel) || (s->entsize && s->entsize != sizeof(Elf64_Rel)))
            return elf_fail(c, -EINVAL, "section '%s': %llu bytes is not a whole number of %zu-byte relocations",
                            s->name, (unsigned long long)s->size, sizeof(Elf64_Rel));
        if (t->rel)
            return elf_fail(c, -EINVAL, "section '%s': a second relocation section for '%s'", s->name,
                            t->name);
        t->rel = i;
    }
    return 0;
}

/* ----------------------------------------------------------- symbols ---- */

static int read_symbols(struct elf_ctx *c)
{
    struct elf_sec *st = &c->secs[c->symtab];
    if (st->size % sizeof(Elf64_Sym) || (st->entsize && st->entsize != sizeof(Elf64_Sym)))
        return elf_fail(c, -EINVAL, "section '%s': %llu bytes is not a whole number of symbols",
                        st->name, (unsigned long long)st->size);
    if (st->link == 0 || st->link >= c->n_secs || c->secs[st->link].type != SHT_STRTAB)
        return elf_fail(c, -EINVAL, "section '%s': string table index %u is not a string table",
                        st->name, st->link);
    struct elf_sec *strs = &c->secs[st->link];
    int rc = sec_load_data(c, st->link);
    if (rc)
        return rc;
    if (strs->size == 0 || strs->data[strs->size - 1] != '\0')
        return elf_fail(c, -EINVAL, "section '%s': string table does not end in a NUL", strs->name);
    c->n_syms = (uint32_t)(st->size / sizeof(Elf64_Sym));
    if (c->n_syms == 0)
        return 0;
    Elf_Scn *scn = elf_getscn(c->elf, c->symtab);
    Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
    if (!d || d->d_size != st->size)
        return elf_fail(c, -EINVAL, "section '%s': cannot read the symbols (%s)", st->name,
                        elf_errmsg(-1));
    c->syms = calloc(c->n_syms, sizeof(*c->syms));
    if (!c->syms)
        return elf_fail(c, -ENOMEM, "out of memory");
    for (uint32_t i = 0; i < c->n_syms; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(d, (int)i, &sym))
            return elf_fail(c, -EINVAL, "symbol %u: unreadable (%s)", i, elf_errmsg(-1));
        struct elf_sym *s = &c->syms[i];
        if (sym.st_name >= strs->size)
            return elf_fail(c, -EINVAL, "symbol %u: name offset %u outside the string table (%llu bytes)",
                            i, sym.st_name, (unsigned long long)strs->size);
        s->name = (const char *)strs->data + sym.st_name;
        s->value = sym.st_value;
        s->size = sym.st_size;
        s->shndx = sym.st_shndx;
        s->type = GELF_ST_TYPE(sym.st_info);
        s->bind = GELF_ST_BIND(sym.st_info);
        if (s->shndx == SHN_XINDEX)
            return elf_fail(c, -ENOTSUP, "symbol %u '%s': extended section indices (SHN_XINDEX) are not supported",
                            i, s->name);
        if (s->shndx >= c->n_secs && s->shndx != SHN_ABS && s->shndx != SHN_COMMON)
            return elf_fail(c, -EINVAL, "symbol %u '%s': section index %u out of range (%u sections)",
                            i, s->name, s->shndx, c->n_secs);
        if (s->type == STT_SECTION && s->shndx < c->n_secs && !s->name[0])
            s->name = c->secs[s->shndx].name;
    }
    return 0;
}

const struct elf_sec *elf_sec_named(const struct elf_ctx *c, const char *name, uint32_t *idx)
{
    for (uint32_t i = 1; i < c->n_secs; i++)
        if (strcmp(c->secs[i].name, name) == 0) {
            if (idx)
                *idx = i;
            return &c->secs[i];
        }
    return NULL;
}

const struct elf_sym *elf_sym_in(const struct elf_ctx *c, uint32_t sec, const char *name)
{
    for (uint32_t i = 1; i < c->n_syms; i++)
        if (c->syms[i].shndx == sec && c->syms[i].type != STT_SECTION &&
            strcmp(c->syms[i].name, name) == 0)
            return &c->syms[i];
    return NULL;
}

/* --------------------------------------------------------- functions ---- */

static int cmp_func(const void *a, const void *b)
{
    const struct elf_func *x = a, *y = b;
    if (x->sec != y->sec)
        return x->sec < y->sec ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    /* same start: programs (globals) before local aliases, then by name */
    if (x->is_prog != y->is_prog)
        return x->is_prog ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* First function of `sec` whose start is > insn (binary search). */
static uint32_t func_upper(const struct elf_ctx *c, uint32_t sec, uint32_t insn)
{
    uint32_t lo = 0, hi = c->n_funcs;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const struct elf_func *f = &c->funcs[mid];
        if (f->sec < sec || (f->sec == sec && f->start <= insn))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct elf_func *elf_func_at(const struct elf_ctx *c, uint32_t sec, uint32_t insn)
{
    uint32_t i = func_upper(c, sec, insn);
    if (i == 0 || c->funcs[i - 1].sec != sec)
        return NULL;
    const struct elf_func *f = &c->funcs[i - 1];
    if (insn - f->start >= f->len)
        return NULL;
    while (f > c->funcs && f[-1].sec == sec && f[-1].start == f->start)
        f--; /* of aliases, the first: a program before a local name */
    return f;
}

int32_t elf_func_starting(const struct elf_ctx *c, uint32_t sec, uint32_t insn)
{
    uint32_t i = func_upper(c, sec, insn);
    int32_t found = -1;
    while (i > 0) {
        const struct elf_func *f = &c->funcs[i - 1];
        if (f->sec != sec || f->start != insn)
            break;
        found = (int32_t)--i;
    }
    return found;
}

static int collect_functions(struct elf_ctx *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->n_syms; i++) {
        const struct elf_sym *s = &c->syms[i];
        if (s->type == STT_FUNC && s->shndx < c->n_secs &&
            (c->secs[s->shndx].kind == SEC_PROG || c->secs[s->shndx].kind == SEC_TEXT))
            n++;
    }
    for (uint32_t i = 1; i < c->n_secs; i++)
        if (c->secs[i].kind == SEC_PROG || c->secs[i].kind == SEC_TEXT)
            n++; /* room for a section without function symbols */
    c->funcs = calloc(n ? n : 1, sizeof(*c->funcs));
    if (!c->funcs)
        return elf_fail(c, -ENOMEM, "out of memory");
    for (uint32_t i = 0; i < c->n_syms; i++) {
        const struct elf_sym *s = &c->syms[i];
        if (s->type != STT_FUNC || s->shndx >= c->n_secs)
            continue;
        const struct elf_sec *sec = &c->secs[s->shndx];
        if (sec->kind != SEC_PROG && sec->kind != SEC_TEXT)
            continue;
        if (!s->name[0])
            return elf_fail(c, -EINVAL, "section '%s': function symbol %u has no name", sec->name, i);
        if (strlen(s->name) >= sizeof(((struct vm_obj_prog *)0)->name))
            return elf_fail(c, -EINVAL, "section '%s': function name '%s' is longer than %zu characters",
                            sec->name, s->name, sizeof(((struct vm_obj_prog *)0)->name) - 1);
        if (s->value % 8 || s->size % 8)
            return elf_fail(c, -EINVAL, "section '%s': function '%s': offset %llu or size %llu is not a multiple of 8",
                            sec->name, s->name, (unsigned long long)s->value, (unsigned long long)s->size);
        if (s->value > sec->size || s->size > sec->size - s->value)
            return elf_fail(c, -EINVAL, "section '%s': function '%s' (%llu bytes at offset %llu) runs past the end of the section (%llu bytes)",
                            sec->name, s->name, (unsigned long long)s->size, (unsigned long long)s->value,
                            (unsigned long long)sec->size);
        struct elf_func *f = &c->funcs[c->n_funcs++];
        f->name = s->name;
        f->sec = s->shndx;
        f->start = (uint32_t)(s->value / 8);
        f->len = (uint32_t)(s->size / 8);
        f->global = s->bind != STB_LOCAL;
        f->is_prog = sec->kind == SEC_PROG && f->global;
    }
    /* An object with code in .text only (clang without SEC(), as uBPF
     * users build them): its global functions are the programs, as older
     * libbpf had it. */
    bool any = false;
    for (uint32_t k = 0; k < c->n_funcs && !any; k++)
        any = c->funcs[k].is_prog;
    for (uint32_t i = 1; i < c->n_secs && !any; i++)
        any = c->secs[i].kind == SEC_PROG && c->secs[i].n_insns;
    for (uint32_t k = 0; k < c->n_funcs && !any; k++)
        if (c->funcs[k].global)
            c->funcs[k].is_prog = true;
    /* A code section without any function symbol (hand-written assembly):
     * the whole section is one program named after it (.text too when it
     * is the only code). */
    for (uint32_t i = 1; i < c->n_secs; i++) {
        const struct elf_sec *sec = &c->secs[i];
        if ((sec->kind != SEC_PROG && (sec->kind != SEC_TEXT || any)) || sec->n_insns == 0)
            continue;
        bool has = false;
        for (uint32_t k = 0; k < c->n_funcs && !has; k++)
            has = c->funcs[k].sec == i;
        if (has)
            continue;
        if (strlen(sec->name) >= sizeof(((struct vm_obj_prog *)0)->name))
            return elf_fail(c, -EINVAL, "section '%s': no function symbol, and the section name is too long to name its program",
                            sec->name);
        struct elf_func *f = &c->funcs[c->n_funcs++];
        f->name = sec->name;
        f->sec = i;
        f->start = 0;
        f->len = sec->n_insns;
        f->global = true;
        f->is_prog = true;
    }
    if (c->n_funcs > 1)
        qsort(c->funcs, c->n_funcs, sizeof(*c->funcs), cmp_func);
    /* Size 0 (assembly without .size): up to the next function or the end. */
    for (uint32_t k = 0; k < c->n_funcs; k++) {
        struct elf_func *f = &c->funcs[k];
        if (f->len)
            continue;
        uint32_t end = c->secs[f->sec].n_insns;
        for (uint32_t j = k + 1; j < c->n_funcs && c->funcs[j].sec == f->sec; j++)
            if (c->funcs[j].start > f->start) {
                end = c->funcs[j].start;
                break;
            }
        f->len = end - f->start;
        if (f->len == 0)
            return elf_fail(c, -EINVAL, "section '%s': function '%s' is empty", c->secs[f->sec].name,
                            f->name);
    }
    /* Functions may be aliases (same start and size) but not overlap. */
    for (uint32_t k = 1; k < c->n_funcs; k++) {
        const struct elf_func *a = &c->funcs[k - 1], *b = &c->funcs[k];
        if (a->sec == b->sec && (a->start == b->start ? a->len != b->len
                                                      : a->start + a->len > b->start))
            return elf_fail(c, -EINVAL, "section '%s': functions '%s' and '%s' overlap",
                            c->secs[a->sec].name, a->name, b->name);
    }
    return 0;
}

/* ------------------------------------------------- license, version ---- */

static int read_license_version(struct elf_ctx *c)
{
    for (uint32_t i = 1; i < c->n_secs; i++) {
        const struct elf_sec *s = &c->secs[i];
        if (s->kind == SEC_LICENSE && s->data) {
            size_t n = 0, max = sizeof(c->obj->license) - 1;
            while (n < s->size && n < max && s->data[n])
                n++;
            memcpy(c->obj->license, s->data, n);
            c->obj->license[n] = '\0';
        } else if (s->kind == SEC_VERSION) {
            if (s->size != 4 || !s->data)
                return elf_fail(c, -EINVAL, "section 'version': %llu bytes, expected 4 (a u32)",
                                (unsigned long long)s->size);
            c->obj->kern_version = elf_rd32(s->data);
        }
    }
    return 0;
}

/* ---------------------------------------------------------- programs ---- */

static int build_programs(struct elf_ctx *c)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < c->n_funcs; k++)
        n += c->funcs[k].is_prog;
    struct vm_object *obj = c->obj;
    obj->progs = calloc(n ? n : 1, sizeof(*obj->progs));
    if (!obj->progs)
        return elf_fail(c, -ENOMEM, "out of memory");
    for (uint32_t k = 0; k < c->n_funcs; k++) {
        const struct elf_func *f = &c->funcs[k];
        if (!f->is_prog)
            continue;
        const char *sec = c->secs[f->sec].name;
        if (strlen(sec) >= sizeof(obj->progs[0].section))
            return elf_fail(c, -EINVAL, "section '%.64s...': name longer than %zu characters", sec,
                            sizeof(obj->progs[0].section) - 1);
        struct vm_obj_prog *p = &obj->progs[obj->n_progs++];
        snprintf(p->name, sizeof p->name, "%s", f->name);
        snprintf(p->section, sizeof p->section, "%s", sec);
        vm_section_prog_type(sec, &p->prog_type, &p->expected_attach_type, &p->prog_flags);
        int rc = elf_link_prog(c, f, p);
        if (rc)
            return rc;
    }
    return 0;
}

/* -------------------------------------------------------------- load ---- */

static void object_name(char *dst, size_t len, const char *name)
{
    if (!name)
        name = "";
    const char *slash = strrchr(name, '/');
    if (slash)
        name = slash + 1;
    size_t n = strlen(name);
    if (n > 2 && strcmp(name + n - 2, ".o") == 0)
        n -= 2;
    if (n >= len)
        n = len - 1;
    memcpy(dst, name, n);
    dst[n] = '\0';
}

static void ctx_free(struct elf_ctx *c)
{
    if (c->secs)
        for (uint32_t i = 0; i < c->n_secs; i++) {
            free(c->secs[i].rels);
            free(c->secs[i].lines);
        }
    free(c->secs);
    free(c->syms);
    free(c->funcs);
    free(c->func_slot);
    free(c->map_locs);
    elf_btf_free(&c->btf);
    if (c->elf)
        elf_end(c->elf);
    free(c->buf);
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Map names are how the runtime finds maps: they must be unique. */
static int check_map_names(struct elf_ctx *c)
{
    uint32_t n = c->obj->n_maps;
    if (n < 2)
        return 0;
    const char **names = malloc(n * sizeof(*names));
    if (!names)
        return elf_fail(c, -ENOMEM, "out of memory");
    for (uint32_t i = 0; i < n; i++)
        names[i] = c->obj->maps[i].name;
    qsort(names, n, sizeof(*names), cmp_str_ptr);
    int rc = 0;
    for (uint32_t i = 1; i < n && !rc; i++)
        if (strcmp(names[i], names[i - 1]) == 0)
            rc = elf_fail(c, -EINVAL, "map name '%s' is used twice", names[i]);
    free(names);
    return rc;
}

static int load(struct elf_ctx *c, const void *buf, size_t size)
{
    uint64_t shnum = 0;
    int rc = check_header(c, buf, size, &shnum);
    if (rc)
        return rc;
    c->buf = malloc(size);
    if (!c->buf)
        return elf_fail(c, -ENOMEM, "out of memory");
    memcpy(c->buf, buf, size);
    c->size = size;
    if (elf_version(EV_CURRENT) == EV_NONE)
        return elf_fail(c, -EINVAL, "libelf: %s", elf_errmsg(-1));
    c->elf = elf_memory((char *)c->buf, size);
    if (!c->elf || elf_kind(c->elf) != ELF_K_ELF)
        return elf_fail(c, -EINVAL, "libelf cannot read the object: %s", elf_errmsg(-1));
    size_t n;
    if (elf_getshdrnum(c->elf, &n) != 0 || n != shnum)
        return elf_fail(c, -EINVAL, "libelf cannot count the sections: %s", elf_errmsg(-1));

    if ((rc = read_sections(c, shnum)) || (rc = classify_sections(c)) || (rc = read_symbols(c)) ||
        (rc = read_license_version(c)) || (rc = collect_functions(c)))
        return rc;

    uint32_t btf = 0, btf_ext = 0;
    for (uint32_t i = 1; i < c->n_secs; i++) {
        if (c->secs[i].kind == SEC_BTF)
            btf = i;
        if (c->secs[i].kind == SEC_BTF_EXT)
            btf_ext = i;
    }
    if (btf && ((rc = elf_btf_parse(c, btf)) || (rc = elf_btf_fixup_datasec(c))))
        return rc;

    /* Maps: legacy "maps", then ".maps", then global data. */
    for (uint32_t i = 1; i < c->n_secs; i++)
        if (c->secs[i].kind == SEC_MAPS_LEGACY && (rc = elf_maps_legacy(c, i)))
            return rc;
    for (uint32_t i = 1; i < c->n_secs; i++)
        if (c->secs[i].kind == SEC_MAPS_BTF && (rc = elf_maps_btf(c, i)))
            return rc;
    if ((rc = elf_maps_data(c)))
        return rc;
    if ((rc = check_map_names(c)))
        return rc;

    if (btf_ext && (rc = elf_btf_ext(c, btf_ext)))
        return rc;
    for (uint32_t i = 1; i < c->n_secs; i++)
        if ((c->secs[i].kind == SEC_PROG || c->secs[i].kind == SEC_TEXT) && c->secs[i].rel &&
            (rc = elf_reloc_collect(c, i)))
            return rc;
    if ((rc = elf_maps_values(c)) || (rc = build_programs(c)) || (rc = elf_maps_tail_sections(c)))
        return rc;
    return 0;
}

int vm_object_load_elf(const void *buf, size_t size, const char *name, struct vm_object **out,
                       char *err, size_t errlen)
{
    if (out)
        *out = NULL;
    struct elf_ctx c = {.name = name, .err = err, .errlen = errlen};
    if (err && errlen)
        err[0] = '\0';
    if (!out)
        return elf_fail(&c, -EINVAL, "no place for the object");
    if (!buf || size == 0)
        return elf_fail(&c, -EINVAL, "empty file");
    c.obj = calloc(1, sizeof(*c.obj));
    if (!c.obj)
        return elf_fail(&c, -ENOMEM, "out of memory");
    object_name(c.obj->name, sizeof c.obj->name, name);
    int rc = load(&c, buf, size);
    if (rc == 0 && c.btf.strs) {
        /* the object keeps its BTF: line info points into the strings,
         * map values are formatted from the types (vm/btf_format.c) */
        struct elf_btf *keep = malloc(sizeof(*keep));
        if (!keep) {
            rc = elf_fail(&c, -ENOMEM, "out of memory");
        } else {
            *keep = c.btf;
            memset(&c.btf, 0, sizeof(c.btf));
            c.obj->priv = keep;
        }
    }
    ctx_free(&c);
    if (rc) {
        vm_object_free(c.obj);
        return rc;
    }
    *out = c.obj;
    return 0;
}

void vm_object_free(struct vm_object *obj)
{
    if (!obj)
        return;
    for (uint32_t i = 0; i < obj->n_maps; i++) {
        free(obj->maps[i].data);
        free(obj->maps[i].inits);
    }
    free(obj->maps);
    for (uint32_t i = 0; i < obj->n_progs; i++) {
        vm_prog_free(obj->progs[i].prog);
        free(obj->progs[i].relocs);
        free(obj->progs[i].lines);
        free(obj->progs[i].funcs);
    }
    free(obj->progs);
    if (obj->priv) {
        elf_btf_free(obj->priv);
        free(obj->priv);
    }
    free(obj);
}

int vm_object_from_prog(const struct vm_prog *prog, uint32_t prog_type, const char *name,
                        const char *section, struct vm_object **out, char *err, size_t errlen)
{
    *out = NULL;
    struct vm_object *obj = calloc(1, sizeof(*obj));
    if (!obj || !(obj->progs = calloc(1, sizeof(*obj->progs)))) {
        free(obj);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    snprintf(obj->name, sizeof obj->name, "%s", name);
    snprintf(obj->license, sizeof obj->license, "GPL");
    struct vm_obj_prog *op = &obj->progs[0];
    obj->n_progs = 1;
    snprintf(op->name, sizeof op->name, "%s", name);
    snprintf(op->section, sizeof op->section, "%s", section);
    op->prog_type = prog_type;
    int rc = vm_prog_from_bytes(prog->insns, (size_t)prog->len * sizeof(*prog->insns), name,
                                &op->prog, err, errlen);
    if (!rc)
        rc = vm_prog_check(op->prog, err, errlen);
    if (rc) {
        vm_object_free(obj);
        return rc;
    }
    *out = obj;
    return 0;
}

const struct vm_obj_prog *vm_object_find_prog(const struct vm_object *obj, const char *name)
{
    if (!obj || !name)
        return NULL;
    for (uint32_t i = 0; i < obj->n_progs; i++)
        if (strcmp(obj->progs[i].name, name) == 0)
            return &obj->progs[i];
    for (uint32_t i = 0; i < obj->n_progs; i++)
        if (strcmp(obj->progs[i].section, name) == 0)
            return &obj->progs[i];
    return NULL;
}
