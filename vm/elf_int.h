/* vm/elf_int.h - internals shared by the ELF loader's files (elf*.c). Not
 * part of the public vm.h interface.
 *
 * vm_object_load_elf (elf.c) works on a private copy of the file opened with
 * libelf's elf_memory. It checks the ELF header, the section headers and
 * the symbol table once (every index, size and offset), then hands the
 * pieces to:
 *   elf_btf.c      .BTF (types, strings), BTF-defined map definitions,
 *                  .BTF.ext line info and CO-RE records
 *   elf_maps.c     "maps" (bpf_map_def / bpf_elf_map), ".maps", global data,
 *                  .values initialisers (.rel.maps), iproute2 tail-call slots
 *   elf_reloc.c    program relocations (maps, global data, bpf-to-bpf calls)
 *                  and the linking of each program with its subprograms
 *   elf_sections.c the libbpf section name -> program type table
 * Nothing here outlives the load except the BTF string copy, which moves to
 * the object's priv (line info points into it).
 */
#ifndef BPFEMU_VM_ELF_INT_H
#define BPFEMU_VM_ELF_INT_H

#include "vm/vm.h"

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Relocation types (<elf.h> has only R_BPF_NONE, R_BPF_64_64 and
 * R_BPF_64_32); the names are LLVM's. */
#define ELF_R_BPF_64_64       1u  /* ld_imm64 */
#define ELF_R_BPF_64_ABS64    2u  /* data; R_BPF_64_32 (calls) in old LLVM */
#define ELF_R_BPF_64_ABS32    3u  /* data (.BTF, .BTF.ext, DWARF) */
#define ELF_R_BPF_64_NODYLD32 4u  /* DWARF */
#define ELF_R_BPF_64_32       10u /* call imm */

/* Largest global-data section accepted (the kernel's array maps stop far
 * lower), and the most slots all linked programs of an object may total. */
#define ELF_MAX_DATA_SIZE   (64u << 20)
#define ELF_MAX_TOTAL_INSNS (8u * VM_MAX_INSNS)

enum elf_sec_kind {
    SEC_OTHER = 0,
    SEC_PROG,         /* executable, not .text: holds programs */
    SEC_TEXT,         /* .text: subprograms */
    SEC_MAPS_BTF,     /* .maps */
    SEC_MAPS_LEGACY,  /* maps */
    SEC_DATA,         /* .data*, .rodata*, .bss* */
    SEC_LICENSE,
    SEC_VERSION,
    SEC_BTF,
    SEC_BTF_EXT,
    SEC_SYMTAB,
    SEC_REL,
};

struct elf_sec {
    const char *name;         /* in the section-name table (the file copy) */
    uint32_t name_off;        /* sh_name */
    uint32_t type;            /* sh_type */
    uint64_t flags;           /* sh_flags */
    uint32_t link, info;      /* sh_link, sh_info */
    uint64_t size;            /* sh_size */
    uint64_t entsize;
    const uint8_t *data;      /* NULL for NOBITS, empty or unused sections */
    enum elf_sec_kind kind;
    uint32_t rel;             /* the SHT_REL section that applies to this one, or 0 */
    int32_t map;              /* SEC_DATA: its map's index, -1 if none (empty) */
    /* SEC_PROG / SEC_TEXT */
    uint32_t n_insns;
    struct elf_rel *rels;     /* resolved relocations, sorted by insn */
    uint32_t n_rels;
    struct elf_line *lines;   /* BTF line info, sorted by insn */
    uint32_t n_lines;
};

struct elf_sym {
    const char *name;         /* "" when unnamed */
    uint64_t value, size;
    uint32_t shndx;           /* checked: SHN_UNDEF, SHN_ABS, SHN_COMMON or < n_secs */
    uint8_t type, bind;
};

/* A function: a program (global, in a program section) or a subprogram. */
struct elf_func {
    const char *name;
    uint32_t sec;
    uint32_t start, len;      /* in slots, within the section */
    bool global;              /* not STB_LOCAL */
    bool is_prog;
};

enum elf_rel_kind {
    REL_MAP,                  /* lddw of a map: src_reg BPF_PSEUDO_MAP_IDX */
    REL_DATA,                 /* lddw into global data: BPF_PSEUDO_MAP_IDX_VALUE */
    REL_CALL,                 /* bpf-to-bpf call */
    REL_FUNC,                 /* lddw of a function's address (a callback):
                                 src_reg BPF_PSEUDO_FUNC */
};

struct elf_rel {
    uint32_t insn;            /* slot in the section */
    enum elf_rel_kind kind;
    uint32_t map, offset;     /* REL_MAP, REL_DATA */
    uint32_t func;            /* REL_CALL, REL_FUNC: index into ctx->funcs */
};

struct elf_line {
    uint32_t insn;            /* slot in the section */
    uint32_t line, col;
    const char *file, *text;  /* in the BTF string copy */
};

/* .BTF, parsed. */
struct elf_btf {
    uint32_t *types;          /* aligned copy of the type section */
    uint32_t types_len;       /* bytes */
    uint32_t *off;            /* byte offset in types of type id i (i >= 1) */
    uint32_t n;               /* number of ids, void (0) included */
    char *strs;               /* copy of the string section (ends in NUL) */
    uint32_t str_len;
};

/* Where a map's definition sits, to resolve relocations against it. */
struct elf_map_loc {
    uint32_t sec;             /* 0: none (inner templates) */
    uint64_t off, size;
    uint32_t values_off;      /* .maps: byte offset of the `values` member, or UINT32_MAX */
};

struct elf_ctx {
    const char *name;         /* object name, for nothing but messages */
    uint8_t *buf;             /* private copy of the file */
    size_t size;
    Elf *elf;
    struct elf_sec *secs;
    uint32_t n_secs;
    uint32_t symtab;          /* section index of .symtab */
    struct elf_sym *syms;
    uint32_t n_syms;
    struct elf_func *funcs;   /* sorted by section, then start */
    uint32_t n_funcs;
    uint32_t *func_slot;      /* linking: where each function sits in the
                                 program being linked, UINT32_MAX if absent */
    bool have_btf;
    struct elf_btf btf;
    struct vm_object *obj;
    struct elf_map_loc *map_locs; /* parallel to obj->maps */
    uint32_t maps_cap;
    uint64_t total_insns;
    char *err;
    size_t errlen;
};

/* Fill the error buffer; returns rc (a negative errno). */
int elf_fail(struct elf_ctx *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Little-endian reads from unaligned bytes. */
static inline uint32_t elf_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint16_t elf_rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* Section and symbol helpers (elf.c). */
const struct elf_sec *elf_sec_named(const struct elf_ctx *c, const char *name, uint32_t *idx);
/* The function of section `sec` that contains slot `insn`, or NULL. */
const struct elf_func *elf_func_at(const struct elf_ctx *c, uint32_t sec, uint32_t insn);
/* The function that starts exactly at slot `insn` of `sec`: its index, or -1. */
int32_t elf_func_starting(const struct elf_ctx *c, uint32_t sec, uint32_t insn);
/* A symbol of `sec` with exactly `name` (any type), or NULL. */
const struct elf_sym *elf_sym_in(const struct elf_ctx *c, uint32_t sec, const char *name);

/* Map table (elf_maps.c). */
int elf_map_add(struct elf_ctx *c, const struct vm_map_def *def, const struct elf_map_loc *loc);
/* Map whose definition starts at `off` of section `sec`, or -1. */
int32_t elf_map_at(const struct elf_ctx *c, uint32_t sec, uint64_t off);
int elf_maps_legacy(struct elf_ctx *c, uint32_t sec);
int elf_maps_btf(struct elf_ctx *c, uint32_t sec);
int elf_maps_data(struct elf_ctx *c);
int elf_maps_values(struct elf_ctx *c);
int elf_maps_tail_sections(struct elf_ctx *c);

/* BTF (elf_btf.c). */
int elf_btf_parse(struct elf_ctx *c, uint32_t sec);
void elf_btf_free(struct elf_btf *btf);
const struct btf_type *elf_btf_type(const struct elf_ctx *c, uint32_t id);
const char *elf_btf_str(const struct elf_ctx *c, uint32_t off);
/* Type id of the DATASEC called `name`, or 0. */
uint32_t elf_btf_datasec(const struct elf_ctx *c, const char *name);
/* Type id of the VAR `name` listed in DATASEC `datasec`, or 0. */
uint32_t elf_btf_datasec_var(const struct elf_ctx *c, uint32_t datasec, const char *name);

struct elf_btf_map {
    uint32_t type, key_size, value_size, max_entries, map_flags, pinning;
    uint32_t key_type_id, value_type_id;
    bool has_values;          /* __array(values, ...) */
    uint32_t values_off;      /* its byte offset in the definition */
    uint32_t inner_struct;    /* map-in-map: the inner definition's struct, or 0 */
    uint32_t size;            /* bytes of the definition struct */
};
/* Parse the definition struct (or typedef/modifiers of it) `id` of map
 * `name`: "section '.maps': map 'NAME': ..." on error. */
int elf_btf_map_def(struct elf_ctx *c, const char *name, uint32_t id, bool is_inner,
                    struct elf_btf_map *out);
/* DATASEC sizes and variable offsets from the sections and symbols, as
 * libbpf's btf_fixup_datasec sets them (clang leaves them zero). */
int elf_btf_fixup_datasec(struct elf_ctx *c);
/* .BTF.ext: reject CO-RE records, attach line info to the sections. */
int elf_btf_ext(struct elf_ctx *c, uint32_t sec);

/* Relocations and linking (elf_reloc.c). */
int elf_reloc_collect(struct elf_ctx *c, uint32_t sec);
int elf_link_prog(struct elf_ctx *c, const struct elf_func *main_fn, struct vm_obj_prog *out);

#endif
