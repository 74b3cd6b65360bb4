/* tools/gen_int.h - the program generator's internals (tools/gen*.c only):
 * the register/stack model, the emitter, recorded mutation sites. */
#ifndef BPFEMU_TOOLS_GEN_INT_H
#define BPFEMU_TOOLS_GEN_INT_H

#include "tools/gen.h"

#include <stdbool.h>
#include <stdint.h>

/* ------------------------------------------------------------------ PRNG */

struct grng {
    uint64_t s[4];
};
void grng_seed(struct grng *r, uint64_t seed);
uint64_t grng_next(struct grng *r);

/* ----------------------------------------------------------------- model */

enum gkind {
    GK_NONE = 0,   /* uninitialised, or different things on different paths */
    GK_SCALAR,     /* bounded: every runtime value lies in [lo, hi] (unsigned) */
    GK_CTX,
    GK_PKT,        /* data + off; range: bytes from data proven readable */
    GK_PKT_END,
    GK_STACK,      /* this frame's fp + off (off < 0) */
    GK_MAPVAL,     /* map `map`'s value + off (never null) */
    GK_MEM,        /* a caller's stack bytes [0, size) + off, initialised */
};

struct greg {
    uint8_t k;
    uint8_t map;
    bool bounded;
    uint64_t lo, hi;
    int32_t off;
    int32_t range;   /* GK_PKT */
    int32_t size;    /* GK_MEM */
};

/* stack byte states */
enum { SB_UNINIT = 0, SB_SCALAR = 1, SB_PTR = 2 };

#define GEN_STACK 512
struct gstate {
    struct greg r[11];
    uint8_t sb[GEN_STACK];          /* byte fp-512+i */
    struct greg spill[GEN_STACK / 8]; /* slot j: fp-512+8j; k != NONE when a whole
                                       register was spilled there and not touched since */
};

/* ------------------------------------------------------------------ sites */

enum gsite_kind {
    GS_PKT_GUARD = 1, /* at: `rT += N`, at2: the comparison; a = N */
    GS_NULL_CHECK,    /* at: the null comparison */
    GS_ACCESS,        /* at: a load/store/atomic; a = limit (off+size may reach it) */
    GS_MASK,          /* at: `rI &= mask` (or the bounding insn); a = mask */
    GS_LOOP,          /* at: the counter update; at2: the loop's back jump; a = N */
    GS_INIT,          /* at: an initialisation read later */
    GS_STACK,         /* at: a stack access (r10-based) */
    GS_SIZE,          /* at: `rK = N`, the size of a helper's memory; a = N */
    GS_RET,           /* at: the `r0 = ...` before exit */
    GS_BRANCH,        /* at: a scalar comparison */
    GS_KEY,           /* at: a constant array key store; a = key, b = max_entries */
};

struct gsite {
    uint8_t kind;
    uint32_t at, at2;
    int32_t a, b;
};

struct gsub {
    uint8_t nargs;
    uint8_t argk[5];     /* GK_SCALAR, GK_CTX or GK_MEM */
    int32_t argsz[5];    /* GK_MEM: bytes */
    bool called, emitted;
    uint32_t start;
    uint32_t budget;
};

#define GEN_MAX_SITES 512
#define GEN_MAX_SUBS 3
#define GEN_MAX_CALLS 64

struct gen {
    struct grng rng;
    const struct gen_opts *o;
    struct gen_program *p;
    struct bpf_insn *code;
    uint32_t len, cap, limit;
    bool oom;
    uint32_t prog_type;
    int priv;
    bool det;
    int ctx_reg;         /* register holding ctx in this function, or -1 */
    int fn;              /* -1 main, else the subprogram's index */
    int depth;           /* nesting of guarded bodies */
    int stack_floor;     /* lowest fp offset this function may use (-256, -128) */
    bool in_loop;
    bool allow_calls, allow_loops, allow_ldabs;
    struct gsite sites[GEN_MAX_SITES];
    uint32_t n_sites;
    struct gsub subs[GEN_MAX_SUBS];
    uint32_t n_subs;
    struct {
        uint32_t at;
        int sub;
    } calls[GEN_MAX_CALLS];
    uint32_t n_calls;
    char shape[160];
    size_t shape_len;
};

static inline uint64_t grand(struct gen *g, uint64_t n)
{
    return n ? grng_next(&g->rng) % n : 0;
}
static inline bool gchance(struct gen *g, unsigned pct)
{
    return grand(g, 100) < pct;
}
static inline int64_t grange(struct gen *g, int64_t lo, int64_t hi)
{
    return lo + (int64_t)grand(g, (uint64_t)(hi - lo + 1));
}

/* emitter (gen.c) */
uint32_t gen_emit(struct gen *g, struct bpf_insn in);
void gen_site(struct gen *g, uint8_t kind, uint32_t at, uint32_t at2, int32_t a, int32_t b);

/* mutations (gen_mutate.c): mutate g->code in place, describe it in buf */
void gen_mutate(struct gen *g, char *buf, size_t buflen);

#define GI(c, d, s, o, i)                                                                       \
    ((struct bpf_insn){.code = (uint8_t)(c), .dst_reg = (uint8_t)(d), .src_reg = (uint8_t)(s), \
                       .off = (int16_t)(o), .imm = (int32_t)(i)})

#endif
