/* jit/jit_int.h - what the JIT's own files share (private to jit/).
 *
 * Register map (eBPF -> x86-64), chosen so that r1..r5 are already the
 * System V argument registers at a helper call and r6..r10 survive it:
 *
 *     r0 rax   r1 rdi   r2 rsi   r3 rdx   r4 rcx   r5 r8
 *     r6 rbx   r7 r13   r8 r14   r9 r15   r10 rbp
 *     r9  (x86) the struct vm_run * of this execution (the helpers' sixth
 *              argument as it stands; reloaded from the frame after calls)
 *     r12 (x86) instructions executed so far (run->insns_executed)
 *     r10, r11 (x86) scratch
 *
 * Native frame: the entry code (jit_compile.c, emit_entry) pushes rbp, r12
 * and those of rbx, r13..r15 the program uses, and reserves JF_SIZE bytes
 * (8 more to keep the alignment); rsp then stays fixed, 16-byte
 * aligned, for the whole execution (bpf-to-bpf calls keep their frames in
 * JF_FRAMES, not on the native stack), so the frame is [rsp + JF_*] and
 * helpers are called without realignment. A fault anywhere jumps to the
 * shared epilogue with eax = the error.
 *
 * Per-run region cache: run->engine_cache holds struct jit_cache, kept
 * across executions (the vm clears it whenever the regions change). Each
 * checked access site outside the stack compares its address with one
 * entry (rd[] for loads, wr[] for stores and atomics); sites that load
 * from the context first try their ctx field entry. The entry is picked
 * per site at compile time by where the base pointer comes from (r1 at
 * entry, a load, a helper's result...: jit_compile.c, provenance), so
 * packet, map value and ctx sites do not evict each other. A miss goes out
 * of line to the stack check, then to the C slow path (jit_rt_access):
 * the interpreter's own lookup, which refills the site's entry. */
#ifndef BPFEMU_JIT_INT_H
#define BPFEMU_JIT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jit/jit.h"

/* ------------------------------------------------------- native frame ---- */
#define JF_BUDGET 0     /* u64: vm budget */
#define JF_DEPTH 8      /* u32: current frame depth */
#define JF_BASE 12      /* u32: depth at entry (an exit there ends the run) */
#define JF_RUN 16       /* struct vm_run * */
#define JF_ARGS 24      /* u64[5]: r1..r5 at the latest helper call */
#define JF_SAVE 64      /* u64[6]: r0..r5 around slow-path calls */
#define JF_TMP 112      /* u64[2]: scratch (div, atomics, callx id) */
#define JF_FRAMES 128   /* per frame depth: return address, r6..r9, r10 */
#define JF_FRAME_BYTES 48
#define JF_INLINE 512   /* u32: inlined helpers run inline, their results
                           need no checks (jit_engine) */
#define JF_SIZE (JF_FRAMES + 8 * JF_FRAME_BYTES + 8) /* 520; 528 when an odd number
                                                       of registers is saved */

/* The entry code: jit_entry_fn(run, first block, budget, r10, depth |
 * inline_ok << 32), all in registers. */
typedef int (*jit_entry_fn)(struct vm_run *run, const void *target, uint64_t budget, uint64_t fp,
                            uint64_t depth_inline);

/* ------------------------------------------------------- region cache ---- */
#define JIT_NCACHE 4      /* region entries per direction */
#define JIT_NCTX 7        /* ctx field entries */

/* An access of 1 << i bytes at addr is allowed when t = addr - lo
 * satisfies t < lim[i] (lim[i] = span - size + 1, 0 when the span is
 * shorter: an all-zero entry never matches) and, at sites that check it,
 * (t & mask) < elim[i] (the access stays inside one element's valid bytes
 * of a value pool whose stride is a power of two; plain regions: mask 0).
 * A site that does not check the mask only ever gets a region or a single
 * element in its entry. */
struct jit_cache_ent {
    uint64_t lo;
    uint64_t lim[4];
    uint64_t mask;
    uint64_t elim[4];
};

/* A ctx field read through vm_region.ctx_direct: a load at addr yields the
 * value at `ptr` (ptr | 1: 8 bytes, else 4 bytes, 0: empty entry). */
struct jit_ctx_ent {
    uint64_t addr;
    uint64_t ptr;
};

struct jit_cache {
    struct jit_cache_ent rd[JIT_NCACHE], wr[JIT_NCACHE];
    struct jit_ctx_ent ctx[JIT_NCTX];
    uint64_t pools_image;  /* jit_image.stamp of the image whose inlined
                              lookups' value pools were found registered */
    uint64_t unused;
};

#define JIT_CACHE_OFF offsetof(struct vm_run, engine_cache)

/* The slow path's site word: which instruction, and what to cache for it. */
#define JIT_SITE_PC(s) ((s) & 0xfffffu)
#define JIT_SITE_SLOT(s) (((s) >> 20) & 7u)
#define JIT_SITE_POOL 0x800000u            /* the site checks element bounds */
#define JIT_SITE_CTX(s) (((s) >> 24) & 15u) /* ctx entry + 1, 0: none */

/* ----------------------------------------------------- compiled code ---- */
struct jit_image {
    uint8_t *code;          /* mapping (read + execute once finished) */
    size_t map_len;
    size_t code_len;
    uint32_t n_slots;       /* program slots */
    uint32_t *insn_off;     /* native offset of each slot's code, n_slots + 1 */
    int32_t *entry_off;     /* per slot: native entry of a block leader, else -1 */
    uint32_t body_end;      /* offset where out-of-line stubs begin */
    uint32_t entry_len;     /* the entry code at offset 0 */
    uint32_t tail_off;      /* the shared exit code after the stubs */
    struct jit_stub_info *stubs; /* for the dump */
    uint32_t n_stubs;
    struct jit_inlined *inlined; /* checked at every entry (jit_engine) */
    uint32_t n_inlined;
    uint64_t stamp;         /* random, never 0: names the image in run caches */
};

/* a helper call compiled inline: valid while the table still holds `fn`;
 * accesses through its results skip checks while the run registers the
 * value pool as a region (checked per region set: jit_cache.pools_image) */
struct jit_inlined {
    vm_helper_fn const *slot;
    vm_helper_fn fn;
    struct vm_helper_inline desc;
};

struct jit_stub_info {
    uint32_t off;
    uint32_t pc;            /* UINT32_MAX: shared code */
    const char *what;
};

struct jit_prog {
    const struct vm *vm;
    unsigned flags;
    struct jit_image *img[2]; /* [0] checked, [1] trusted */
};

/* compile one mode (jit_compile.c) */
int jit_build_image(const struct vm *vm, bool checked, unsigned flags, struct jit_image **out,
                    char *err, size_t errlen);
void jit_free_image(struct jit_image *img);

/* ------------------------------------------- run-time support (C) ---- */
/* jit_rt_fault kinds */
enum jit_fault {
    JIT_F_UNKNOWN_HELPER,  /* arg: helper id */
    JIT_F_DEPTH,
    JIT_F_BUDGET,
    JIT_F_KFUNC,
    JIT_F_FELL_OFF,        /* pc: the last slot */
};

/* result of the access slow path (rax, rdx) */
struct jit_acc {
    int64_t rc;            /* 0 plain memory, 1 done by a ctx accessor, < 0 fault */
    uint64_t val;          /* the loaded value when rc == 1 */
};

struct jit_acc jit_rt_access(struct vm_run *run, uint32_t site, uint64_t addr, uint64_t value);
int jit_rt_fault(struct vm_run *run, uint32_t pc, uint32_t kind, uint64_t arg);
int jit_rt_stopped(struct vm_run *run, uint32_t pc);

#endif
