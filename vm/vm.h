/* vm/vm.h - the vm subsystem's one header: ISA helpers, programs, the
 * interpreter, the assembler and the disassembler.
 *
 * Opcodes come from the kernel's uapi <linux/bpf.h>; the few constants newer
 * than Debian 12's linux-libc-dev (6.1) are added below, guarded, with the
 * kernel's own names and values.
 */
#ifndef BPFEMU_VM_H
#define BPFEMU_VM_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* cpu v4 (Linux 6.6): sign-extending loads. */
#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80
#endif

#define VM_STACK_SIZE      512u   /* bytes per frame, as the kernel's MAX_BPF_STACK */
#define VM_MAX_CALL_DEPTH  8u     /* frames, as the kernel's MAX_CALL_FRAMES */
#define VM_MAX_INSNS       (1u << 20) /* largest program we accept, in slots */
#define VM_MAX_HELPER_ID   1024u  /* helper ids are < this */
#define VM_MAX_REGIONS     64u    /* memory regions one run may register */
#define VM_ERR_LEN         256u   /* size of the error buffers in this API */

/* ---------------------------------------------------------------- ISA ---- */

static inline uint8_t vm_insn_class(uint8_t code) { return BPF_CLASS(code); }

/* True for the first slot of a 16-byte ld_imm64 (lddw). */
static inline bool vm_insn_is_lddw(const struct bpf_insn *in)
{
    return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* Size in bytes of a BPF_SIZE field (1, 2, 4, 8). */
static inline unsigned vm_size_bytes(uint8_t code)
{
    switch (BPF_SIZE(code)) {
    case BPF_B: return 1;
    case BPF_H: return 2;
    case BPF_W: return 4;
    default: return 8;
    }
}

/* Name of helper `id` from <linux/bpf.h> ("bpf_map_lookup_elem"), or NULL. */
const char *vm_helper_name(int32_t id);
/* Id of the helper named `name` (with or without "bpf_"), or -1. */
int32_t vm_helper_id(const char *name);

/* ------------------------------------------------------------ program ---- */

/* A program: a flat array of instruction slots (lddw takes two). */
struct vm_prog {
    struct bpf_insn *insns;
    uint32_t len;          /* number of 8-byte slots */
    char name[64];         /* function or file name, for messages */
};

/* Copy `size` bytes of raw little-endian bytecode into a new program.
 * Fails (-EINVAL) when size is 0 or not a multiple of 8. */
int vm_prog_from_bytes(const void *buf, size_t size, const char *name,
                       struct vm_prog **out, char *err, size_t errlen);
void vm_prog_free(struct vm_prog *prog);

/* Structural checks every execution engine relies on: known opcodes with
 * valid register numbers, jump and call targets inside the program and not
 * into the second slot of a lddw, lddw complete. Not the verifier: it does
 * not look at types or paths. Error: "insn N: ...". */
int vm_prog_check(const struct vm_prog *prog, char *err, size_t errlen);

/* -------------------------------------------------------- disassembler ---- */

/* Disassemble slot `idx` in the kernel/LLVM syntax (`r0 = *(u32 *)(r1 +4)`,
 * `if r2 > r3 goto pc+5`, `call bpf_map_lookup_elem#1`), without index or
 * opcode prefix. For a lddw the second slot is read from insns[idx+1] when
 * idx+1 < len. Returns the number of slots the instruction takes (1 or 2).
 * Encodings that are not valid instructions are printed as a `.insn
 * 0x<slot as LE u64>` directive that the assembler turns back into the same
 * bytes. Pseudo lddw forms: `map[fd:N]`, `map[fd:N][0]+OFF`, `map[idx:N]`,
 * `map[idx:N][0]+OFF`, `btf_id[N]`, `subprog[+N]`; kfunc calls print
 * `call kernel-function#ID`, unknown helpers `call unknown#ID`.
 * Returns 0 (empty buffer) when idx >= len. */
unsigned vm_disasm_insn(const struct bpf_insn *insns, uint32_t len, uint32_t idx,
                        char *buf, size_t buflen);

/* Whole-program listing, one instruction a line: "%4u: (%02x) text\n" as
 * bpftool prints it. Returns a malloc'd string (caller frees) or NULL. */
char *vm_disasm_prog(const struct vm_prog *prog);

/* --------------------------------------------------------- classic BPF ---- */

/* Classic BPF programs (struct sock_filter: include <linux/filter.h>),
 * vm/cbpf*.c, docs/cbpf.md. */
struct sock_filter;

/* The kernel's load-time check of a classic program (bpf_check_classic):
 * 0, or -EINVAL with "insn N (jeq #0x6 jt 4 jf 40): why" in err. */
int vm_cbpf_check(const struct sock_filter *insns, uint32_t len, char *err, size_t errlen);

/* Check, then convert to eBPF as the kernel converts socket filters
 * (bpf_convert_filter): A in r0, X in r7, the skb in r6, M[] on the stack,
 * packet loads as LD_ABS/LD_IND, ancillary loads (SKF_AD_*) as __sk_buff
 * reads or helper calls; the program returns the classic return value (the
 * bytes to accept). -ENOTSUP for the ancillary loads eBPF cannot express
 * (hatype, nlattr, nlattr_nest, pay_offset). The result passes
 * vm_prog_check and runs as BPF_PROG_TYPE_SOCKET_FILTER. */
int vm_cbpf_convert(const struct sock_filter *insns, uint32_t len, const char *name,
                    struct vm_prog **out, char *err, size_t errlen);

/* Insn `idx` as `tcpdump -d` prints it ("(001) jeq      #0x800           jt 2\tjf 5"),
 * or compact ("jeq #0x800 jt 2 jf 5") for messages. Returns the length. */
unsigned vm_cbpf_disasm_insn(const struct sock_filter *insns, uint32_t idx, bool compact,
                             char *buf, size_t buflen);
/* The whole program, one tcpdump -d line each; malloc'd, or NULL. */
char *vm_cbpf_disasm(const struct sock_filter *insns, uint32_t len);

/* Parse a classic program as text: `tcpdump -ddd` (count, then "code jt jf
 * k" lines), its one-line comma form ("4,40 0 0 12,...") or `tcpdump -dd`
 * ("{ 0x28, 0, 0, 0x0000000c },"). *out is malloc'd. Error: "line N: ...". */
int vm_cbpf_parse(const char *text, size_t len, struct sock_filter **out, uint32_t *count,
                  char *err, size_t errlen);

/* ----------------------------------------------------------- assembler ---- */

/* Assemble text in either syntax, detected per line: the bpf_conformance
 * syntax (`mov32 %r0, 0`, `ldxw %r0, [%r1+4]`, labels `name:`) or the
 * kernel/LLVM syntax the disassembler prints (optionally with its `N: (xx)`
 * prefix, or llvm-objdump's `N: <hex bytes>` prefix). Error: "line N: ..."
 * (-EINVAL), "no instructions" for empty text, -E2BIG past VM_MAX_INSNS. */
int vm_asm(const char *text, size_t textlen, const char *name,
           struct vm_prog **out, char *err, size_t errlen);

/* ------------------------------------------------------------ objects ---- */

/* How a map was declared in the object. */
enum vm_map_origin {
    VM_MAP_BTF,        /* BTF-defined, in ".maps" */
    VM_MAP_LEGACY,     /* "maps" section, libbpf's 20-byte struct bpf_map_def */
    VM_MAP_ELF_MAP,    /* "maps" section, iproute2's struct bpf_elf_map */
    VM_MAP_DATA,       /* a global-data section: .data, .rodata*, .bss, .data.* */
};

/* A slot of a prog array or map-in-map initialised in the object
 * (`.values = { [2] = &prog }`): the target is a program or map name. */
struct vm_map_init {
    uint32_t key;
    char target[64];
};

struct vm_map_def {
    char name[64];               /* symbol, or the section for global data */
    enum vm_map_origin origin;
    uint32_t type, key_size, value_size, max_entries, map_flags;
    uint32_t pinning;            /* LIBBPF_PIN_BY_NAME / PIN_GLOBAL_NS, as given */
    uint32_t id;                 /* bpf_elf_map id (0 otherwise) */
    int32_t inner;               /* index of the inner map's def, or -1 */
    bool is_inner;               /* only a template for map-in-map values */
    uint32_t btf_key_type_id, btf_value_type_id; /* 0 when unknown */
    uint8_t *data;               /* global data: the initial value (value_size bytes) */
    bool readonly;               /* .rodata: frozen, the program may not write */
    struct vm_map_init *inits;
    uint32_t n_inits;
};

/* BTF line info: slot `insn` of the program starts source line `line`. */
struct vm_line_info {
    uint32_t insn;
    uint32_t line, col;
    const char *file;            /* points into the object's string table */
    const char *text;            /* the source line, or "" */
};

/* A relocation the runtime resolves: the lddw at slot `insn` loads map
 * `map` (src_reg BPF_PSEUDO_MAP_IDX), or a pointer `offset` bytes into
 * its value (BPF_PSEUDO_MAP_IDX_VALUE); imm holds the map index as well. */
struct vm_map_reloc {
    uint32_t insn;
    uint32_t map;
    uint32_t offset;
    bool value;
};

/* A function of a linked program: the main function at slot 0, then each
 * subprogram (.text functions, callbacks) where the linker placed it. */
struct vm_obj_func {
    uint32_t insn;
    char name[64];
};

struct vm_obj_prog {
    char name[64];               /* function symbol */
    char section[128];
    uint32_t prog_type;          /* enum bpf_prog_type, from the section */
    uint32_t expected_attach_type;
    uint32_t prog_flags;         /* BPF_F_XDP_HAS_FRAGS for xdp.frags */
    struct vm_prog *prog;        /* main function, then the .text subprograms it calls */
    struct vm_map_reloc *relocs;
    uint32_t n_relocs;
    struct vm_line_info *lines;  /* sorted by insn */
    uint32_t n_lines;
    struct vm_obj_func *funcs;   /* where each function was linked, sorted by insn */
    uint32_t n_funcs;
};

struct vm_object {
    char name[64];               /* file name without directories and .o */
    char license[128];
    uint32_t kern_version;
    struct vm_map_def *maps;
    uint32_t n_maps;
    struct vm_obj_prog *progs;
    uint32_t n_progs;
    void *priv;                  /* loader-owned (strings, BTF) */
};

/* Load an ELF object built by clang -target bpf (libbpf conventions). Every
 * problem is an error naming the section, symbol and what is missing:
 * "section 'xdp': relocation 3 against 'foo': unsupported type 7". */
int vm_object_load_elf(const void *buf, size_t size, const char *name,
                       struct vm_object **out, char *err, size_t errlen);
void vm_object_free(struct vm_object *obj);
/* An object of one raw program (no ELF): a copy of `prog` (checked with
 * vm_prog_check), named `name` in section `section`, of type prog_type,
 * licensed "GPL" so every helper resolves, and no maps (the caller may add
 * obj->maps and the program's relocs before instantiating it). */
int vm_object_from_prog(const struct vm_prog *prog, uint32_t prog_type, const char *name,
                        const char *section, struct vm_object **out, char *err, size_t errlen);
/* Program by function name, or by section name (the first in it), or NULL. */
const struct vm_obj_prog *vm_object_find_prog(const struct vm_object *obj, const char *name);
/* Program type and attach type for a libbpf section name; false if unknown. */
bool vm_section_prog_type(const char *section, uint32_t *prog_type, uint32_t *attach_type,
                          uint32_t *prog_flags);
/* A key or value of BTF type `type_id` (vm_map_def's btf_*_type_id) as
 * typed JSON in a malloc'd string: numbers, enum names, objects, strings
 * for char arrays. -ENOENT when the object has no such type. */
int vm_object_format(const struct vm_object *obj, uint32_t type_id, const void *data, size_t size,
                     char **json);
/* The object's BTF types one at a time (vm/btf_types.c), for typed test
 * inputs. vm_btf_type follows typedefs, qualifiers and vars (alias: the
 * outermost typedef's name, e.g. "__be32"); -ENOENT for an unknown id or
 * an object without BTF. Members of structs, unions and DATASECs (a
 * section's variables, by name, at their offsets); enum values by index. */
enum vm_btf_kind {
    VM_BTF_OTHER, VM_BTF_INT, VM_BTF_PTR, VM_BTF_FLOAT, VM_BTF_ARRAY, VM_BTF_STRUCT,
    VM_BTF_UNION, VM_BTF_ENUM, VM_BTF_DATASEC,
};
struct vm_btf_type {
    enum vm_btf_kind kind;
    uint32_t id;                 /* the resolved type */
    uint32_t size;               /* bytes */
    const char *name, *alias;    /* "" when none */
    bool is_signed, is_char, is_bool;
    uint32_t elem, nelems;       /* arrays */
    uint32_t vlen;               /* members, enum values */
};
struct vm_btf_member {
    const char *name;            /* "" for an anonymous struct/union member */
    uint32_t type;
    uint32_t bit_offset, bit_size; /* bit_size 0: not a bitfield */
};
int vm_btf_type(const struct vm_object *obj, uint32_t id, struct vm_btf_type *out);
int vm_btf_member(const struct vm_object *obj, uint32_t id, uint32_t i, struct vm_btf_member *out);
int vm_btf_enum(const struct vm_object *obj, uint32_t id, uint32_t i, const char **name,
                int64_t *value);
/* True when buf starts with the ELF magic. */
bool vm_is_elf(const void *buf, size_t size);

/* ---------------------------------------------------------- execution ---- */

struct vm;
struct vm_run;

#define VM_ENGINE_CACHE_WORDS 96u /* size of vm_run.engine_cache */

/* A helper: r1..r5 in, r0 out; the run it is called from is the sixth
 * argument (its `user` pointer reaches the runtime). A helper that finds a
 * fault calls vm_run_fault() and returns; the run stops after the call. */
typedef uint64_t (*vm_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3,
                                 uint64_t r4, uint64_t r5, struct vm_run *run);

enum vm_mode {
    VM_MODE_CHECKED = 0, /* every access checked, instruction budget */
    VM_MODE_TRUSTED = 1, /* no checks: only for verified programs */
};

/* Region permissions. */
#define VM_REGION_READ  1u
#define VM_REGION_WRITE 2u
#define VM_REGION_RW    (VM_REGION_READ | VM_REGION_WRITE)
/* A program context (xdp_md, __sk_buff): loads and stores are not made to
 * memory but answered by ctx_access, as the kernel rewrites ctx field
 * accesses at load time. Checked runs find them by address; trusted runs
 * by the instructions the verifier marked (vm_set_ctx_insns). */
#define VM_REGION_CTX   4u

struct vm_region;
/* Read (write == false: fill *value, zero-extended) or write (*value) the
 * `size`-byte field at offset `off` of a ctx region. 0, or a negative errno
 * with *why saying what the kernel would have rejected. */
typedef int (*vm_ctx_access_fn)(struct vm_run *run, const struct vm_region *r, uint32_t off,
                                unsigned size, bool write, uint64_t *value, const char **why);

/* Optional, for execution engines (the JIT): a ctx field that is a plain
 * host value, i.e. the kernel's ctx rewrite as data. Return true when a
 * read of `size` bytes at `off` (not sign-extending) always yields the
 * zero-extended `width`-byte (4 or 8) value stored at *ptr, and *ptr stays
 * valid for the run; false leaves the access to ctx_access. */
typedef bool (*vm_ctx_direct_fn)(struct vm_run *run, const struct vm_region *r, uint32_t off,
                                 unsigned size, const void **ptr, unsigned *width);

struct vm_region {
    uintptr_t start, end;  /* [start, end) */
    uint32_t flags;        /* VM_REGION_* */
    uint32_t elem_size;    /* >0: the region is an array of elements of this
                              stride (map value pools): an access must fall
                              inside the first elem_len bytes of one element */
    uint32_t elem_len;     /* with elem_size: 0 means the whole stride */
    const char *name;      /* "packet", "ctx", "map value", ... */
    vm_ctx_access_fn ctx_access; /* VM_REGION_CTX only */
    void *ctx_data;              /* for ctx_access */
    vm_ctx_direct_fn ctx_direct; /* VM_REGION_CTX, optional */
};

/* Create a VM for a program (copied). The program must pass vm_prog_check;
 * the VM pre-decodes it for the interpreter. */
int vm_create(const struct vm_prog *prog, struct vm **out, char *err, size_t errlen);
void vm_destroy(struct vm *vm);
const struct vm_prog *vm_get_prog(const struct vm *vm);

/* Register helper `id` (replacing any earlier one). */
int vm_register_helper(struct vm *vm, uint32_t id, const char *name, vm_helper_fn fn);
vm_helper_fn vm_get_helper(const struct vm *vm, uint32_t id);

void vm_set_mode(struct vm *vm, enum vm_mode mode);
/* A verified program's context accesses (verifier_result.ctx_insns: a byte
 * per slot, 1 for a load or store through the ctx pointer): trusted runs
 * answer exactly these by the ctx region's accessor and make every other
 * access plain memory, as the kernel's load-time ctx rewrite does. Without
 * it a trusted run treats ctx accesses as memory. 0 or -ENOMEM. */
int vm_set_ctx_insns(struct vm *vm, const uint8_t *ctx_insns);
/* The marks given, or NULL (for other engines: the JIT's trusted code). */
const uint8_t *vm_get_ctx_insns(const struct vm *vm);
/* Where a context field's value lives relative to the ctx pointer the
 * program is started with: `width` bytes (zero-extended) at ctx + delta,
 * in every run of this VM. It is the runtime's promise (its ctx memory
 * sits inside the structure that holds the values, as the kernel's
 * xdp_buff holds data and data_end), so that trusted code may load a marked
 * ctx access of (off, size) with one instruction, as the kernel's
 * convert_ctx_access rewrite does, instead of asking the accessor.
 * Replaces any earlier layout; 0 or -ENOMEM. */
struct vm_ctx_field {
    uint32_t off;
    uint8_t size, width;
    int32_t delta;
};
int vm_set_ctx_layout(struct vm *vm, const struct vm_ctx_field *f, unsigned n);
/* The entry for a load of `size` bytes at ctx offset `off`, or NULL. */
const struct vm_ctx_field *vm_ctx_layout_find(const struct vm *vm, uint32_t off, unsigned size);
enum vm_mode vm_get_mode(const struct vm *vm);
/* Coverage: from now on checked runs of this VM count, per slot, how often
 * it executed and how often a jump at it was taken (so a conditional
 * jump's not-taken count is hits - taken). Counts accumulate over runs
 * (and threads, without locking: approximate under concurrency). The
 * arrays have prog->len entries; NULL while coverage is off. */
int vm_coverage_enable(struct vm *vm);
const uint64_t *vm_coverage_hits(const struct vm *vm);
const uint64_t *vm_coverage_taken(const struct vm *vm);

/* Instructions a checked run may execute before it is stopped (default
 * VM_DEFAULT_BUDGET). Trusted runs ignore it. */
#define VM_DEFAULT_BUDGET 100000000ull
void vm_set_budget(struct vm *vm, uint64_t insns);

/* One execution's state: registers, the frame stacks, the regions the
 * program may touch and the result. Set up once with vm_run_init, then
 * vm_run_exec may be called repeatedly (repeat loops pay no set-up). The
 * struct is several KiB: give it static storage, the heap, or a big stack. */
struct vm_run {
    const struct vm *vm;
    uint64_t args[5];          /* r1..r5 at entry */
    void *user;                /* for helpers: the runtime's context */
    void *api_user;            /* for user-written helpers (bpfemu_run_user) */

    struct vm_region regions[VM_MAX_REGIONS];
    uint32_t n_regions;

    /* results of the last vm_run_exec */
    uint64_t r0;
    uint64_t insns_executed;
    int error;                 /* 0 or negative errno */
    uint32_t error_pc;
    char errmsg[VM_ERR_LEN];

    /* Called after every helper call when set (recording, counting). */
    void (*on_call)(struct vm_run *run, uint32_t helper_id, const uint64_t args[5], uint64_t ret);

    /* internal */
    uint32_t entry_pc;         /* where an execution starts (callbacks) */
    unsigned entry_depth;      /* its frame depth */
    uint64_t entry_fp;         /* its r10, 0 = top of the stack */
    uint64_t cur_fp;           /* r10 and depth at the latest helper call */
    unsigned cur_depth;
    uint64_t extra_insns;      /* executed by callbacks */
    uint32_t hot_region;       /* the region the last checked access hit */
    int stop;                  /* set by vm_run_fault or vm_run_tail_call */
    const struct vm *tail_call;/* next program, set by vm_run_tail_call */
    uint32_t tail_calls;       /* taken in this execution (limit 33) */
    uint64_t stack[VM_MAX_CALL_DEPTH * VM_STACK_SIZE / 8];
    /* For execution engines (the JIT's region caches): what they learnt
     * about the regions, kept across executions of this run. Zeroed by
     * vm_run_init, vm_run_add_region* and vm_run_regions_changed. */
    uint64_t engine_cache[VM_ENGINE_CACHE_WORDS];
};

/* Legacy packet loads (BPF_LD | BPF_ABS / BPF_IND, size 1, 2 or 4): the
 * runtime that owns the program's context answers them as the kernel's
 * bpf_skb_load_helper_{8,16,32}: `ctx` is r6, `off` the helper's int
 * offset (imm, or src + imm truncated); the value in host order (the
 * packet is big-endian), or a negative errno when the bytes are outside the
 * packet, and the instruction then ends the function with r0 = 0. A fault
 * (vm_run_fault) stops the run. Without one the instruction stops the run
 * with -ENOTSUP. */
typedef int64_t (*vm_ld_pkt_fn)(struct vm_run *run, uint64_t ctx, int32_t off, unsigned size);
void vm_set_ld_pkt(struct vm *vm, vm_ld_pkt_fn fn);
/* For engines: one such load (returns the loader's value as r0 would
 * hold it); and the same as helper-shaped calls (r1 = ctx, r2 = offset)
 * for sizes 1, 2 and 4. */
uint64_t vm_ld_pkt_call(struct vm_run *run, uint64_t ctx, uint64_t off, unsigned size);
uint64_t vm_ld_pkt_b(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                     struct vm_run *run);
uint64_t vm_ld_pkt_h(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                     struct vm_run *run);
uint64_t vm_ld_pkt_w(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                     struct vm_run *run);

/* Prepare a run of `vm`; zeroes the stack and the region list. */
void vm_run_init(struct vm_run *run, const struct vm *vm);
/* Allow the program to touch [ptr, ptr+size) (checked mode). */
int vm_run_add_region(struct vm_run *run, const void *ptr, size_t size,
                      uint32_t flags, uint32_t elem_size, const char *name);
/* Add a region described by the caller (map pools with elem_len). */
int vm_run_add_region_desc(struct vm_run *run, const struct vm_region *r);
/* Run once. Returns 0, or a negative errno with run->errmsg filled:
 * -EFAULT bad memory access, -E2BIG budget exhausted, -ENOENT unknown helper,
 * -EOVERFLOW call depth, or whatever a helper's fault set. */
int vm_run_exec(struct vm_run *run);

/* For helpers: true when [addr, addr+size) lies in one region with `flags`
 * (always true in trusted mode). */
bool vm_run_mem_ok(const struct vm_run *run, uint64_t addr, uint64_t size, uint32_t flags);
/* For the tail-call helper: when the helper returns, the current program
 * ends and `next` starts with r1 = ctx on the same run (the kernel's limit of
 * VM_MAX_TAIL_CALLS applies; past it the helper should fail instead). */
#define VM_MAX_TAIL_CALLS 33u
void vm_run_tail_call(struct vm_run *run, const struct vm *next, uint64_t ctx);
/* Function pointers (lddw with src_reg BPF_PSEUDO_FUNC) load this tag in
 * the upper half and the callee's slot index in the lower half. */
#define VM_FUNC_TAG 0xbf5f0000u
/* For callback helpers (bpf_loop, for_each_map_elem): run the subprogram
 * at slot `insn` with r1..r5 = args, in a new frame below the calling
 * helper's frame, and return its r0 in *ret. 0, or the callee's fault
 * (the run is stopped then). */
int vm_run_callback(struct vm_run *run, uint32_t insn, const uint64_t args[5], uint64_t *ret);
/* For helpers: stop the run with an error (printf-style message). */
void vm_run_fault(struct vm_run *run, int error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Code that changes run->regions in place (not through vm_run_add_region*)
 * calls this before the run continues: engines drop what they cached. */
void vm_run_regions_changed(struct vm_run *run);

/* ---------------------------------------------------- execution engines ---- */

/* Another execution engine for a VM (the JIT, jit/jit.h). When set,
 * vm_run_exec and vm_run_callback call fn(run, code, the VM's mode, its
 * budget) instead of the interpreter. The engine keeps the interpreter's
 * contract and results exactly: start at run->entry_pc with frame depth
 * run->entry_depth and r10 = run->entry_fp (0: the top of run->stack),
 * r1..r5 = run->args;
 * set run->insns_executed always and run->r0 on success; return 0, 1 (a
 * tail call is pending: run->tail_call), or a negative errno with
 * run->errmsg filled. VM_ENGINE_DECLINE hands this execution to the
 * interpreter (e.g. a callback entering where the engine has no entry).
 * free_code (may be NULL) releases `code` when the VM is destroyed or the
 * engine replaced; fn NULL removes the engine. */
#define VM_ENGINE_DECLINE 2
typedef int (*vm_engine_fn)(struct vm_run *run, void *code, enum vm_mode mode, uint64_t budget);
void vm_set_engine(struct vm *vm, vm_engine_fn fn, void *code, void (*free_code)(void *code));
uint64_t vm_get_budget(const struct vm *vm);
/* The helper table's slot for `id` (NULL when id >= VM_MAX_HELPER_ID): its
 * address is fixed for the VM's lifetime, its value follows
 * vm_register_helper (NULL: no helper), so compiled code that calls through
 * it sees re-registered helpers (mocks). */
vm_helper_fn const *vm_helper_slot(const struct vm *vm, uint32_t id);
/* A helper call's common case as data, for engines that inline it (the
 * kernel inlines array map lookups the same way: map_gen_lookup).
 * VM_INLINE_ARRAY_LOOKUP: when the helper registered at the time of the
 * query is still the one in the table, run->on_call is NULL and r2 points
 * to 4 bytes inside run->stack holding k, the call's whole effect is
 * r0 = k < max_entries ? base + k * stride : 0; the program may use the
 * first value_size bytes of an element (when a run registers the values as
 * a region). */
#define VM_INLINE_ARRAY_LOOKUP 1u
struct vm_helper_inline {
    uint32_t kind;
    uint32_t max_entries;
    uint64_t base;
    uint64_t stride;
    uint32_t value_size;
};
/* Describe helper `id` called with r1 == arg1 (a constant of the program);
 * false: no inline form. Set by the runtime that owns the helpers. */
typedef bool (*vm_helper_inline_fn)(const struct vm *vm, uint32_t id, uint64_t arg1,
                                    struct vm_helper_inline *out, void *data);
void vm_set_helper_inline(struct vm *vm, vm_helper_inline_fn fn, void *data);
bool vm_helper_inline(const struct vm *vm, uint32_t id, uint64_t arg1, struct vm_helper_inline *out);
/* The checked interpreter's whole check of the load, store or atomic at
 * slot `pc` touching `addr` (size, direction and alignment rule from the
 * instruction): 0 when it is plain memory (the stack, or the region
 * run->hot_region now names), 1 when a ctx accessor performed it (*value:
 * the value loaded, sign-extended for ldsx; for stores the value to store
 * on entry), or the fault's negative errno with run->errmsg set as the
 * interpreter sets it. */
int vm_engine_access(struct vm_run *run, uint32_t pc, uint64_t addr, uint64_t *value);
/* Stop the run at slot `pc` the interpreter's way: run->errmsg =
 * "insn N (text): msg", run->error and run->error_pc set; returns error. */
int vm_engine_stop(struct vm_run *run, uint32_t pc, int error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
