/* tests/unit/prog_gen.h - random, structurally valid eBPF programs for the
 * JIT differential test and the fuzzer (header-only, static functions).
 *
 * Choices come from a byte source: the fuzzer's input while it lasts, then
 * a xorshift generator seeded from `seed` (the test's seeds are printed on
 * failure, so a failure is replayed by its seed). Programs use every
 * instruction class: ALU64/ALU32 (div/mod with zero and -1 divisors,
 * movsx, byte swaps, shifts by any amount), loads/stores/ldsx/atomics on
 * the stack (through r10 and through copies), on "mem" (r6 holds its
 * address), the other regions of jit_diff.h and, rarely, wild addresses;
 * forward conditional jumps (JMP and JMP32, K and X), bounded loops (r7
 * counts down; a jump into a loop body still ends within the budget),
 * helper calls, bpf-to-bpf calls into later subprograms (no recursion),
 * callbacks through helper 3 (loop) with BPF_PSEUDO_FUNC pointers, gotol,
 * and early exits. Registers: r6 = mem, r7 = loop counter (reserved); the
 * others are fair game. */
#ifndef BPFEMU_TESTS_PROG_GEN_H
#define BPFEMU_TESTS_PROG_GEN_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jit_diff.h"

#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80
#endif

struct pg_src {
    const uint8_t *data;
    size_t len, pos;
    uint64_t rng;
};

static uint32_t pg_next(struct pg_src *s)
{
    if (s->pos + 4 <= s->len) {
        uint32_t v;
        memcpy(&v, s->data + s->pos, 4);
        s->pos += 4;
        return v;
    }
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    return (uint32_t)(s->rng >> 11);
}

static uint32_t pg_below(struct pg_src *s, uint32_t n) { return n ? pg_next(s) % n : 0; }
static bool pg_chance(struct pg_src *s, uint32_t pct) { return pg_below(s, 100) < pct; }

#define PG_MAX 1400 /* slots */

struct pg {
    struct pg_src *src;
    struct bpf_insn *p;
    size_t n;
    /* forward jumps to patch: slot -> statement index in the function */
    struct pg_fix { uint32_t slot, stmt; bool imm; } fix[256];
    unsigned nfix;
    uint32_t stmt_slot[128]; /* slot where each statement of the function starts */
    unsigned nstmt, stmts;   /* statements emitted, planned */
    struct pg_call { uint32_t slot; unsigned fn; bool func_ptr; } calls[32];
    unsigned ncalls;
    unsigned fn, nfn;        /* current function, functions in total */
    uint32_t fn_start[8];
    bool in_callback;
};

static void pg_emit(struct pg *g, struct bpf_insn in)
{
    if (g->n < PG_MAX)
        g->p[g->n++] = in;
}

#define PG_I(c, d, s, o, i) ((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

static void pg_lddw(struct pg *g, unsigned dst, uint64_t v, unsigned src_kind)
{
    pg_emit(g, PG_I(BPF_LD | BPF_IMM | BPF_DW, dst, src_kind, 0, (int32_t)(uint32_t)v));
    pg_emit(g, PG_I(0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32)));
}

/* a register random ops may write: not r6 (mem), r7 (counter), r10 */
static unsigned pg_wreg(struct pg *g)
{
    static const unsigned r[] = {0, 1, 2, 3, 4, 5, 8, 9};
    return r[pg_below(g->src, 8)];
}

static unsigned pg_rreg(struct pg *g) { return pg_below(g->src, 11); }

static int32_t pg_imm(struct pg *g)
{
    static const int32_t special[] = {0, 1, -1, 2, 7, 8, 31, 32, 63, 64, 255, -256,
                                      INT32_MAX, INT32_MIN, 0x10000, 0xffff};
    if (pg_chance(g->src, 60))
        return special[pg_below(g->src, 16)];
    return (int32_t)pg_next(g->src);
}

static uint64_t pg_val(struct pg *g)
{
    static const uint64_t special[] = {0, 1, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
                                       0xffffffff, 0x80000000, 0x100000000ull};
    if (pg_chance(g->src, 50))
        return special[pg_below(g->src, 8)];
    return ((uint64_t)pg_next(g->src) << 32) | pg_next(g->src);
}

static void pg_alu(struct pg *g)
{
    static const uint8_t ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
                                  BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END};
    uint8_t op = ops[pg_below(g->src, sizeof ops)];
    bool w = pg_chance(g->src, 55);
    bool x = pg_chance(g->src, 50);
    unsigned d = pg_wreg(g), s = pg_rreg(g);
    int16_t off = 0;
    int32_t imm = pg_imm(g);
    if (op == BPF_NEG) {
        x = false;
    } else if (op == BPF_END) {
        static const int32_t widths[] = {16, 32, 64};
        imm = widths[pg_below(g->src, 3)];
        x = w ? false : pg_chance(g->src, 50);
    } else if ((op == BPF_DIV || op == BPF_MOD) && pg_chance(g->src, 50)) {
        off = 1;
    } else if (op == BPF_MOV && x && pg_chance(g->src, 30)) {
        static const int16_t sx[] = {8, 16, 32};
        off = sx[pg_below(g->src, w ? 3 : 2)];
    }
    if (x && op != BPF_END && op != BPF_NEG)
        imm = 0;
    else if (op != BPF_END)
        s = 0;
    pg_emit(g, PG_I((uint8_t)((w ? BPF_ALU64 : BPF_ALU) | op | (x && op != BPF_END ? BPF_X : 0) |
                              (op == BPF_END && x ? BPF_X : 0)),
                    d, op == BPF_END ? 0 : s, off, imm));
}

/* base register and offset for an access: mostly mem/stack, sometimes
 * other regions, rarely anywhere */
static void pg_addr(struct pg *g, unsigned size, unsigned *base, int16_t *off)
{
    uint32_t k = pg_below(g->src, 100);
    if (k < 40) {
        *base = 6;
        *off = (int16_t)(pg_below(g->src, JD_MEM_LEN + 8) - 4);
        if (pg_chance(g->src, 70))
            *off = (int16_t)(*off & ~(int)(size - 1));
    } else if (k < 73) {
        *base = 10;
        *off = (int16_t)-(int)(1 + pg_below(g->src, 520));
        if (pg_chance(g->src, 80))
            *off = (int16_t)(*off & ~(int)(size - 1));
    } else if (k < 82) { /* a copy of r10 */
        *base = 8;
        pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_X, 8, 10, 0, 0));
        pg_emit(g, PG_I(BPF_ALU64 | BPF_ADD | BPF_K, 8, 0, 0, -(int32_t)(8 * pg_below(g->src, 66))));
        *off = (int16_t)(pg_below(g->src, 24) - 8);
    } else if (k < 91) { /* another region */
        static uint64_t (*const where[])(void) = {jd_ro_addr, jd_pool_addr, jd_pool24_addr,
                                                  jd_ctx_addr};
        *base = 8;
        pg_lddw(g, 8, where[pg_below(g->src, 4)](), 0);
        *off = (int16_t)(pg_below(g->src, 130) - 2);
        if (pg_chance(g->src, 60))
            *off = (int16_t)(*off & ~(int)(size - 1));
    } else if (k < 99) {
        *base = 6;
        *off = (int16_t)(pg_below(g->src, 64) & ~(int)(size - 1));
    } else {
        *base = pg_rreg(g);
        *off = (int16_t)(pg_next(g->src) % 64);
    }
}

static void pg_mem(struct pg *g)
{
    static const uint8_t sizes[] = {BPF_B, BPF_H, BPF_W, BPF_DW};
    uint8_t sz = sizes[pg_below(g->src, 4)];
    unsigned size = vm_size_bytes(sz), base;
    int16_t off;
    uint32_t kind = pg_below(g->src, 100);
    if (kind >= 88 && size < 4)
        sz = pg_chance(g->src, 50) ? BPF_W : BPF_DW, size = vm_size_bytes(sz);
    pg_addr(g, size, &base, &off);
    if (kind < 35) {
        bool sx = size < 8 && pg_chance(g->src, 25);
        pg_emit(g, PG_I(BPF_LDX | (sx ? BPF_MEMSX : BPF_MEM) | sz, pg_wreg(g), base, off, 0));
    } else if (kind < 60) {
        pg_emit(g, PG_I(BPF_STX | BPF_MEM | sz, base, pg_rreg(g), off, 0));
    } else if (kind < 88) {
        pg_emit(g, PG_I(BPF_ST | BPF_MEM | sz, base, 0, off, pg_imm(g)));
    } else {
        static const int32_t aops[] = {BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH,
                                       BPF_OR | BPF_FETCH, BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH,
                                       BPF_XCHG, BPF_CMPXCHG};
        int32_t aop = aops[pg_below(g->src, 10)];
        /* fetch forms write src: keep it off r6/r7/r10 */
        unsigned src = (aop & BPF_FETCH) || aop == BPF_XCHG ? pg_wreg(g) : pg_rreg(g);
        pg_emit(g, PG_I(BPF_STX | BPF_ATOMIC | sz, base, src, off, aop));
    }
}

static void pg_jump(struct pg *g)
{
    static const uint8_t ops[] = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT,
                                  BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE, BPF_JA};
    uint8_t op = ops[pg_below(g->src, sizeof ops)];
    bool j32 = pg_chance(g->src, 40), x = pg_chance(g->src, 50);
    unsigned target = g->nstmt + 1 + pg_below(g->src, g->stmts - g->nstmt);
    if (g->nfix == 256)
        return;
    bool gotol = op == BPF_JA && j32;
    g->fix[g->nfix++] = (struct pg_fix){(uint32_t)g->n, target, gotol};
    if (op == BPF_JA)
        pg_emit(g, PG_I((uint8_t)((j32 ? BPF_JMP32 : BPF_JMP) | BPF_JA), 0, 0, 0, 0));
    else
        pg_emit(g, PG_I((uint8_t)((j32 ? BPF_JMP32 : BPF_JMP) | op | (x ? BPF_X : BPF_K)),
                        pg_rreg(g), x ? pg_rreg(g) : 0, 0, x ? 0 : pg_imm(g)));
}

static void pg_helper(struct pg *g)
{
    uint32_t k = pg_below(g->src, 100);
    for (unsigned r = 1; r <= 5; r++)
        if (pg_chance(g->src, 50))
            pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, pg_imm(g)));
    if (k < 30) {
        pg_emit(g, PG_I(BPF_JMP | BPF_CALL, 0, 0, 0, 1));
    } else if (k < 45) {
        pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0));
        pg_emit(g, PG_I(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, (int32_t)pg_below(g->src, 64)));
        pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, (int32_t)pg_below(g->src, 300)));
        pg_emit(g, PG_I(BPF_JMP | BPF_CALL, 0, 0, 0, 5));
    } else if (k < 75) {
        static const int32_t ids[] = {6, 7, 8, 9};
        pg_emit(g, PG_I(BPF_JMP | BPF_CALL, 0, 0, 0, ids[pg_below(g->src, 4)]));
    } else if (k < 75 && pg_chance(g->src, 60)) {
        /* an inlinable array lookup; the key on the stack (usually) */
        int16_t koff = (int16_t)-(int)(4 + 4 * pg_below(g->src, 8));
        pg_emit(g, PG_I(BPF_ST | BPF_MEM | BPF_W, 10, 0, koff, (int32_t)pg_below(g->src, 10)));
        if (pg_chance(g->src, 85)) {
            pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0));
            pg_emit(g, PG_I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, koff));
        } else {
            pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_X, 2, 6, 0, 0));
        }
        pg_lddw(g, 1, pg_chance(g->src, 90) ? JD_ARRAY_MAP : 7, 0);
        pg_emit(g, PG_I(BPF_JMP | BPF_CALL, 0, 0, 0, 10));
    } else if (k < 77) {
        pg_emit(g, PG_I(BPF_JMP | BPF_CALL, 0, 0, 0, 2)); /* faults */
    } else if (k < 90) {
        pg_emit(g, PG_I(BPF_JMP | BPF_CALL, 0, 0, 0, (int32_t)pg_below(g->src, 12)));
    } else {
        /* callx with the id in a register */
        unsigned r = pg_wreg(g);
        pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_K, r, 0, 0, (int32_t)pg_below(g->src, 12)));
        pg_emit(g, PG_I(BPF_JMP | BPF_CALL | BPF_X, r, 0, 0, 0));
    }
}

static void pg_call(struct pg *g, bool callback)
{
    if (g->fn + 1 >= g->nfn || g->ncalls == 32)
        return pg_alu(g);
    unsigned target = g->fn + 1 + pg_below(g->src, g->nfn - g->fn - 1);
    if (callback) {
        pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, (int32_t)pg_below(g->src, 5)));
        g->calls[g->ncalls++] = (struct pg_call){(uint32_t)g->n, target, true};
        pg_lddw(g, 2, 0, BPF_PSEUDO_FUNC);
        pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_X, 3, 6, 0, 0));
        pg_emit(g, PG_I(BPF_JMP | BPF_CALL, 0, 0, 0, 3));
    } else {
        g->calls[g->ncalls++] = (struct pg_call){(uint32_t)g->n, target, false};
        pg_emit(g, PG_I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0));
    }
}

static void pg_loop(struct pg *g)
{
    pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_K, 7, 0, 0, (int32_t)(1 + pg_below(g->src, 6))));
    uint32_t top = (uint32_t)g->n;
    unsigned body = 1 + pg_below(g->src, 4);
    for (unsigned i = 0; i < body; i++)
        pg_chance(g->src, 60) ? pg_alu(g) : pg_mem(g);
    pg_emit(g, PG_I(BPF_ALU64 | BPF_SUB | BPF_K, 7, 0, 0, 1));
    bool j32 = pg_chance(g->src, 30);
    pg_emit(g, PG_I((uint8_t)((j32 ? BPF_JMP32 : BPF_JMP) | BPF_JNE | BPF_K), 7, 0,
                    (int16_t)((int32_t)top - (int32_t)g->n - 1), 0));
}

static void pg_function(struct pg *g, unsigned fn)
{
    g->fn = fn;
    g->fn_start[fn] = (uint32_t)g->n;
    g->nfix = 0;
    g->nstmt = 0;
    g->stmts = fn == 0 ? 8 + pg_below(g->src, 56) : 3 + pg_below(g->src, 16);
    if (g->stmts > 120)
        g->stmts = 120;
    /* callbacks start with r6 = 0: take mem from their second argument */
    if (fn > 0)
        pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 2, 0, 0));
    if (fn == 0)
        pg_emit(g, PG_I(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0));
    for (; g->nstmt < g->stmts; g->nstmt++) {
        g->stmt_slot[g->nstmt] = (uint32_t)g->n;
        uint32_t k = pg_below(g->src, 100);
        if (k < 32)
            pg_alu(g);
        else if (k < 60)
            pg_mem(g);
        else if (k < 74)
            pg_jump(g);
        else if (k < 79)
            pg_lddw(g, pg_wreg(g), pg_val(g), 0);
        else if (k < 86)
            pg_helper(g);
        else if (k < 91)
            pg_call(g, pg_chance(g->src, 40));
        else if (k < 97)
            pg_loop(g);
        else if (k < 98)
            pg_emit(g, PG_I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
        else
            pg_alu(g);
    }
    g->stmt_slot[g->nstmt] = (uint32_t)g->n;
    if (fn > 0)
        pg_emit(g, PG_I(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, 3));
    pg_emit(g, PG_I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
    for (unsigned i = 0; i < g->nfix; i++) {
        int32_t rel = (int32_t)g->stmt_slot[g->fix[i].stmt] - (int32_t)g->fix[i].slot - 1;
        if (g->fix[i].imm)
            g->p[g->fix[i].slot].imm = rel;
        else
            g->p[g->fix[i].slot].off = (int16_t)rel;
    }
}

/* Generate a program into out (PG_MAX slots); returns its length. */
static size_t pg_generate(struct pg_src *src, struct bpf_insn *out)
{
    struct pg g;
    memset(&g, 0, sizeof g);
    g.src = src;
    g.p = out;
    g.nfn = 1 + pg_below(src, 4);
    for (unsigned f = 0; f < g.nfn; f++)
        pg_function(&g, f);
    for (unsigned i = 0; i < g.ncalls; i++) {
        int32_t rel = (int32_t)g.fn_start[g.calls[i].fn] - (int32_t)g.calls[i].slot - 1;
        g.p[g.calls[i].slot].imm = rel;
    }
    if (g.n >= PG_MAX) { /* ran out of room: a trivial program instead */
        out[0] = PG_I(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1);
        out[1] = PG_I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        return 2;
    }
    return g.n;
}

#endif
