/* tools/gen.c - the structured program generator: the model of registers
 * and stack, the blocks, and gen_program (see gen.h). Mutations are in
 * gen_mutate.c, writing/reading/deleting in gen_io.c. */
#include "tools/gen_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "helpers/helpers.h"
#include "tools/kbpf.h"

/* ------------------------------------------------------------------ PRNG */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void grng_seed(struct grng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t grng_next(struct grng *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

/* --------------------------------------------------------------- emitter */

uint32_t gen_emit(struct gen *g, struct bpf_insn in)
{
    if (g->len == g->cap) {
        uint32_t ncap = g->cap ? g->cap * 2 : 256;
        struct bpf_insn *n = realloc(g->code, ncap * sizeof(*n));
        if (!n) {
            g->oom = true;
            return g->len ? g->len - 1 : 0;
        }
        g->code = n;
        g->cap = ncap;
    }
    g->code[g->len] = in;
    return g->len++;
}

void gen_site(struct gen *g, uint8_t kind, uint32_t at, uint32_t at2, int32_t a, int32_t b)
{
    if (g->n_sites < GEN_MAX_SITES)
        g->sites[g->n_sites++] = (struct gsite){kind, at, at2, a, b};
}

static void shape(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void shape(struct gen *g, const char *fmt, ...)
{
    if (g->shape_len + 2 >= sizeof g->shape)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(g->shape + g->shape_len, sizeof g->shape - g->shape_len, fmt, ap);
    va_end(ap);
    if (n > 0)
        g->shape_len += (size_t)n;
    if (g->shape_len >= sizeof g->shape)
        g->shape_len = sizeof g->shape - 1;
}

static uint32_t emit_lddw(struct gen *g, int dst, int src, uint64_t imm)
{
    uint32_t at = gen_emit(g, GI(BPF_LD | BPF_IMM | BPF_DW, dst, src, 0, (int32_t)(uint32_t)imm));
    gen_emit(g, GI(0, 0, 0, 0, (int32_t)(uint32_t)(imm >> 32)));
    return at;
}

static uint32_t emit_mov_imm(struct gen *g, int dst, int32_t imm)
{
    return gen_emit(g, GI(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm));
}

static uint32_t emit_mov_reg(struct gen *g, int dst, int src)
{
    return gen_emit(g, GI(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0));
}

static uint32_t emit_add_imm(struct gen *g, int dst, int32_t imm)
{
    return gen_emit(g, GI(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm));
}

static int size_code(unsigned size)
{
    return size == 1 ? BPF_B : size == 2 ? BPF_H : size == 4 ? BPF_W : BPF_DW;
}

static uint32_t emit_ldx(struct gen *g, unsigned size, int dst, int src, int16_t off)
{
    return gen_emit(g, GI(BPF_LDX | BPF_MEM | size_code(size), dst, src, off, 0));
}

static uint32_t emit_stx(struct gen *g, unsigned size, int dst, int src, int16_t off)
{
    return gen_emit(g, GI(BPF_STX | BPF_MEM | size_code(size), dst, src, off, 0));
}

static uint32_t emit_st(struct gen *g, unsigned size, int dst, int16_t off, int32_t imm)
{
    return gen_emit(g, GI(BPF_ST | BPF_MEM | size_code(size), dst, 0, off, imm));
}

static uint32_t emit_call(struct gen *g, int32_t id)
{
    return gen_emit(g, GI(BPF_JMP | BPF_CALL, 0, 0, 0, id));
}

/* A forward jump whose offset is patched later to land at g->len. */
static void patch_here(struct gen *g, uint32_t at)
{
    if (at < g->len && !g->oom)
        g->code[at].off = (int16_t)(g->len - at - 1);
}

/* ----------------------------------------------------------------- model */

static void reg_none(struct greg *r)
{
    memset(r, 0, sizeof(*r));
}

static void reg_scalar(struct greg *r, bool bounded, uint64_t lo, uint64_t hi)
{
    reg_none(r);
    r->k = GK_SCALAR;
    r->bounded = bounded;
    r->lo = bounded ? lo : 0;
    r->hi = bounded ? hi : UINT64_MAX;
}

static void reg_const(struct greg *r, uint64_t v)
{
    reg_scalar(r, true, v, v);
}

static bool is_ptr(const struct greg *r)
{
    return r->k != GK_NONE && r->k != GK_SCALAR;
}

static int slot_of(int off)
{
    return (off + GEN_STACK) / 8;
}

/* Bytes [off, off+n) of this frame all in state `st`. */
static bool stack_all(const struct gstate *s, int off, int n, uint8_t st)
{
    if (off < -GEN_STACK || off + n > 0 || n <= 0)
        return false;
    for (int i = off; i < off + n; i++)
        if (s->sb[i + GEN_STACK] != st)
            return false;
    return true;
}

static bool stack_no_ptr(const struct gstate *s, int off, int n)
{
    for (int i = off; i < off + n; i++)
        if (s->sb[i + GEN_STACK] == SB_PTR)
            return false;
    return true;
}

/* A write of n scalar bytes (or helper output) at fp+off. */
static void stack_write_scalar(struct gstate *s, int off, int n)
{
    for (int i = off; i < off + n; i++) {
        if (s->sb[i + GEN_STACK] == SB_PTR) {
            /* a partly overwritten spilled pointer: its slot becomes misc */
            int j = slot_of(i);
            for (int b = 0; b < 8; b++)
                s->sb[j * 8 + b] = SB_SCALAR;
        }
        s->sb[i + GEN_STACK] = SB_SCALAR;
        reg_none(&s->spill[slot_of(i)]);
    }
}

static void stack_spill(struct gstate *s, int off, const struct greg *r)
{
    int j = slot_of(off);
    for (int b = 0; b < 8; b++)
        s->sb[j * 8 + b] = is_ptr(r) ? SB_PTR : SB_SCALAR;
    s->spill[j] = *r;
}

static void join_reg(struct greg *d, const struct greg *a, const struct greg *b)
{
    if (a->k != b->k) {
        reg_none(d);
        return;
    }
    *d = *a;
    switch (a->k) {
    case GK_SCALAR:
        if (a->bounded && b->bounded) {
            d->lo = a->lo < b->lo ? a->lo : b->lo;
            d->hi = a->hi > b->hi ? a->hi : b->hi;
        } else {
            reg_scalar(d, false, 0, 0);
        }
        break;
    case GK_PKT:
        if (a->off != b->off)
            reg_none(d);
        else
            d->range = a->range < b->range ? a->range : b->range;
        break;
    case GK_STACK:
    case GK_MAPVAL:
    case GK_MEM:
        if (a->off != b->off || a->map != b->map || a->size != b->size)
            reg_none(d);
        break;
    default:
        break;
    }
}

/* d = what holds on both paths a and b (d may alias a or b). */
static void join_state(struct gstate *dst, const struct gstate *a, const struct gstate *b)
{
    struct gstate tmp, *d = &tmp;
    for (int i = 0; i < 11; i++)
        join_reg(&d->r[i], &a->r[i], &b->r[i]);
    for (int i = 0; i < GEN_STACK; i++)
        d->sb[i] = a->sb[i] == b->sb[i] ? a->sb[i] : SB_UNINIT;
    for (int j = 0; j < GEN_STACK / 8; j++) {
        join_reg(&d->spill[j], &a->spill[j], &b->spill[j]);
        /* a slot that is a pointer on one path only cannot be used */
        bool mixed = false;
        for (int b2 = 0; b2 < 8; b2++)
            if (d->sb[j * 8 + b2] == SB_UNINIT && (a->sb[j * 8 + b2] || b->sb[j * 8 + b2]))
                mixed = true;
        if (mixed) {
            for (int b2 = 0; b2 < 8; b2++)
                d->sb[j * 8 + b2] = SB_UNINIT;
            reg_none(&d->spill[j]);
        }
    }
    *dst = tmp;
}

/* After a call: r1-r5 scratched. */
static void clobber_args(struct gstate *s)
{
    for (int i = 1; i <= 5; i++)
        reg_none(&s->r[i]);
}

/* Helpers that change packet data invalidate every packet pointer. */
static void invalidate_pkt(struct gstate *s)
{
    for (int i = 0; i < 11; i++)
        if (s->r[i].k == GK_PKT || s->r[i].k == GK_PKT_END)
            reg_none(&s->r[i]);
    for (int j = 0; j < GEN_STACK / 8; j++)
        if (s->spill[j].k == GK_PKT || s->spill[j].k == GK_PKT_END) {
            reg_none(&s->spill[j]);
            for (int b = 0; b < 8; b++)
                s->sb[j * 8 + b] = SB_UNINIT;
        }
}

/* ------------------------------------------------------------ registers */

/* A random register (r0-r9) of kind k (or any initialised one with k < 0),
 * excluding the ctx register; -1 if none. `from_args`: r1-r5 allowed. */
static int pick_reg(struct gen *g, const struct gstate *s, int k, bool from_args)
{
    int cand[10], n = 0;
    for (int i = 0; i < 10; i++) {
        if (i == g->ctx_reg || (!from_args && i >= 1 && i <= 5))
            continue;
        if (k < 0 ? s->r[i].k != GK_NONE : s->r[i].k == k)
            cand[n++] = i;
    }
    return n ? cand[grand(g, (uint64_t)n)] : -1;
}

/* A register to overwrite: never the ctx register, r10; avoid_a/b too. */
static int pick_dst(struct gen *g, const struct gstate *s, int avoid_a, int avoid_b)
{
    for (int tries = 0; tries < 32; tries++) {
        int r = (int)grand(g, 10);
        if (r == g->ctx_reg || r == avoid_a || r == avoid_b)
            continue;
        /* prefer keeping pointers around */
        if (is_ptr(&s->r[r]) && tries < 16)
            continue;
        return r;
    }
    for (int r = 9; r >= 0; r--)
        if (r != g->ctx_reg && r != avoid_a && r != avoid_b)
            return r;
    return 0;
}

/* A callee-saved register to overwrite (survives helper calls). */
static int pick_saved(struct gen *g, const struct gstate *s, int avoid_a, int avoid_b)
{
    int cand[4], n = 0;
    for (int r = 6; r <= 9; r++)
        if (r != g->ctx_reg && r != avoid_a && r != avoid_b)
            cand[n++] = r;
    (void)s;
    return n ? cand[grand(g, (uint64_t)n)] : pick_dst(g, s, avoid_a, avoid_b);
}

/* A scalar in some register: an existing one, or a new constant. `args`:
 * r1-r5 may be used (not while setting up a call). */
static int get_scalar(struct gen *g, struct gstate *s, bool args, int avoid)
{
    int r = pick_reg(g, s, GK_SCALAR, args);
    if (r >= 0 && r != avoid && gchance(g, 80))
        return r;
    int d = args ? pick_dst(g, s, avoid, -1) : pick_saved(g, s, avoid, -1);
    int32_t v = gchance(g, 50) ? (int32_t)grange(g, -4, 64) : (int32_t)grng_next(&g->rng);
    uint32_t at = emit_mov_imm(g, d, v);
    gen_site(g, GS_INIT, at, 0, 0, 0);
    reg_const(&s->r[d], (uint64_t)(int64_t)v);
    return d;
}

/* -------------------------------------------------------- scalar algebra */

static bool add_ok(uint64_t a, uint64_t b, uint64_t *r)
{
    return !__builtin_add_overflow(a, b, r);
}

static bool mul_ok(uint64_t a, uint64_t b, uint64_t *r)
{
    return !__builtin_mul_overflow(a, b, r);
}

static uint64_t fill_bits(uint64_t v)
{
    v |= v >> 1;
    v |= v >> 2;
    v |= v >> 4;
    v |= v >> 8;
    v |= v >> 16;
    v |= v >> 32;
    return v;
}

/* The bounds of `d op s` (64-bit, unsigned intervals; false when unknown). */
static void alu_model(struct greg *d, const struct greg *s, int op, bool is64)
{
    struct greg a = *d, b = *s;
    bool kn = a.bounded && b.bounded;
    uint64_t lo = 0, hi = UINT64_MAX, t1, t2;
    bool ok = false;
    if (!is64) {
        /* 32-bit ops: operands' low halves; result zero-extended */
        if (!(a.bounded && a.hi <= UINT32_MAX))
            a.bounded = false, a.lo = 0, a.hi = UINT32_MAX;
        if (!(b.bounded && b.hi <= UINT32_MAX))
            b.bounded = false, b.lo = 0, b.hi = UINT32_MAX;
        kn = a.bounded && b.bounded;
    }
    switch (op) {
    case BPF_MOV:
        *d = b;
        d->k = GK_SCALAR;
        if (!is64 && !b.bounded)
            reg_scalar(d, true, 0, UINT32_MAX);
        return;
    case BPF_ADD:
        ok = kn && add_ok(a.lo, b.lo, &lo) && add_ok(a.hi, b.hi, &hi);
        break;
    case BPF_SUB:
        ok = kn && a.lo >= b.hi;
        if (ok)
            lo = a.lo - b.hi, hi = a.hi - b.lo;
        break;
    case BPF_MUL:
        ok = kn && mul_ok(a.lo, b.lo, &lo) && mul_ok(a.hi, b.hi, &hi);
        break;
    case BPF_DIV:
        if (a.bounded && b.bounded && b.lo > 0)
            lo = a.lo / b.hi, hi = a.hi / b.lo, ok = true;
        else if (a.bounded)
            lo = 0, hi = a.hi, ok = true; /* x / 0 = 0 */
        break;
    case BPF_MOD:
        if (a.bounded)
            lo = 0, hi = a.hi, ok = true; /* x % 0 = x */
        if (b.bounded && b.hi > 0 && (!a.bounded || b.hi - 1 < hi))
            lo = 0, hi = b.hi - 1, ok = true;
        if (b.bounded && b.lo == 0 && a.bounded && a.hi > hi)
            hi = a.hi;
        if (b.bounded && b.lo == 0 && !a.bounded)
            ok = false;
        break;
    case BPF_AND:
        if (a.bounded || b.bounded) {
            lo = 0;
            hi = a.bounded && b.bounded ? (a.hi < b.hi ? a.hi : b.hi) : a.bounded ? a.hi : b.hi;
            ok = true;
        }
        if (kn && a.lo == a.hi && b.lo == b.hi)
            lo = hi = a.lo & b.lo;
        break;
    case BPF_OR:
    case BPF_XOR:
        if (kn) {
            lo = op == BPF_OR ? (a.lo > b.lo ? a.lo : b.lo) : 0;
            hi = fill_bits(a.hi | b.hi);
            ok = true;
            if (a.lo == a.hi && b.lo == b.hi)
                lo = hi = op == BPF_OR ? (a.lo | b.lo) : (a.lo ^ b.lo);
        }
        break;
    case BPF_LSH:
        if (kn && b.hi < (is64 ? 64u : 32u) && a.hi <= (UINT64_MAX >> b.hi)) {
            lo = a.lo << b.lo;
            hi = a.hi << b.hi;
            ok = true;
        }
        break;
    case BPF_RSH:
        if (b.bounded && b.hi < (is64 ? 64u : 32u)) {
            lo = a.bounded ? a.lo >> b.hi : 0;
            hi = (a.bounded ? a.hi : (is64 ? UINT64_MAX : UINT32_MAX)) >> b.lo;
            ok = true;
        }
        break;
    case BPF_ARSH:
        if (b.bounded && b.hi < (is64 ? 64u : 32u) && a.bounded &&
            a.hi <= (is64 ? (uint64_t)INT64_MAX : (uint64_t)INT32_MAX)) {
            lo = a.lo >> b.hi;
            hi = a.hi >> b.lo;
            ok = true;
        }
        break;
    default:
        break;
    }
    (void)t1;
    (void)t2;
    if (ok && !is64 && hi > UINT32_MAX)
        ok = false;
    if (ok)
        reg_scalar(d, true, lo, hi);
    else if (!is64)
        reg_scalar(d, true, 0, UINT32_MAX);
    else
        reg_scalar(d, false, 0, 0);
}

/* ------------------------------------------------------- program types */

static bool is_xdp(const struct gen *g)
{
    return g->prog_type == BPF_PROG_TYPE_XDP;
}
static bool is_tc(const struct gen *g)
{
    return g->prog_type == BPF_PROG_TYPE_SCHED_CLS;
}
static bool has_direct_pkt(const struct gen *g)
{
    return is_xdp(g) || is_tc(g);
}

struct ctx_field {
    uint16_t off;
    uint8_t sizes;  /* bit (1<<0) 1 byte, (1<<1) 2, (1<<2) 4, (1<<3) 8 readable */
    uint8_t wsizes; /* writable sizes (tc) */
    uint8_t types;  /* 1 xdp, 2 tc, 4 socket */
    bool det;       /* same value in the kernel's test run and bpfemu's */
};

#define SZ1 1
#define SZ2 2
#define SZ4 4
#define SZ8 8
static const struct ctx_field ctx_fields[] = {
    /* xdp_md */
    {12, SZ4, 0, 1, true},  /* ingress_ifindex */
    {16, SZ4, 0, 1, true},  /* rx_queue_index */
    /* __sk_buff */
    {0, SZ1 | SZ2 | SZ4, 0, 6, true},   /* len */
    {4, SZ1 | SZ2 | SZ4, 0, 6, true},   /* pkt_type */
    {8, SZ1 | SZ2 | SZ4, SZ4, 6, true}, /* mark (writable: tc) */
    {12, SZ1 | SZ2 | SZ4, SZ4, 6, true}, /* queue_mapping */
    {16, SZ1 | SZ2 | SZ4, 0, 6, true},  /* protocol */
    {20, SZ1 | SZ2 | SZ4, 0, 6, true},  /* vlan_present */
    {24, SZ1 | SZ2 | SZ4, 0, 6, true},  /* vlan_tci */
    {28, SZ1 | SZ2 | SZ4, 0, 6, true},  /* vlan_proto */
    {32, SZ1 | SZ2 | SZ4, SZ4, 6, true}, /* priority */
    {36, SZ1 | SZ2 | SZ4, 0, 6, true},  /* ingress_ifindex */
    {40, SZ1 | SZ2 | SZ4, 0, 6, true},  /* ifindex */
    {44, SZ1 | SZ2 | SZ4, SZ4, 6, true}, /* tc_index */
    {48, SZ1 | SZ2 | SZ4 | SZ8, SZ4 | SZ8, 6, true}, /* cb[0] */
    {52, SZ1 | SZ2 | SZ4, SZ4, 6, true}, /* cb[1] */
    {56, SZ1 | SZ2 | SZ4 | SZ8, SZ4 | SZ8, 6, true}, /* cb[2] */
    {60, SZ1 | SZ2 | SZ4, SZ4, 6, true}, /* cb[3] */
    {64, SZ1 | SZ2 | SZ4, SZ4, 6, true}, /* cb[4] */
    {68, SZ1 | SZ2 | SZ4, 0, 6, false}, /* hash */
    {72, SZ1 | SZ2 | SZ4, SZ4, 2, true}, /* tc_classid */
    {84, SZ1 | SZ2 | SZ4, 0, 6, true},  /* napi_id */
    {152, SZ8, SZ8, 2, true},           /* tstamp */
    {160, SZ1 | SZ2 | SZ4, 0, 2, true}, /* wire_len */
    {164, SZ1 | SZ2 | SZ4, 0, 6, true}, /* gso_segs */
    {176, SZ1 | SZ2 | SZ4, 0, 6, true}, /* gso_size */
};

static uint8_t type_bit(const struct gen *g)
{
    return is_xdp(g) ? 1 : is_tc(g) ? 2 : 4;
}

/* ------------------------------------------------------------ the stack */

/* A random 8-aligned area of n bytes in this frame: [off, off+n). Areas
 * holding spilled pointers are avoided unless the regime lets a write
 * turn them into scalars (root). */
static int stack_area(struct gen *g, const struct gstate *s, int n, bool for_write)
{
    int span = (-g->stack_floor - n) / 8;
    if (span <= 0)
        return 0;
    for (int tries = 0; tries < 16; tries++) {
        int off = -8 * (int)(1 + grand(g, (uint64_t)span));
        off -= (n + 7) / 8 * 8 - 8;
        if (off < g->stack_floor)
            continue;
        if (for_write && g->priv != KBPF_PRIV_ROOT && !stack_no_ptr(s, off, n))
            continue;
        return off;
    }
    return 0;
}

/* An area of n initialised scalar bytes (existing, or written now). */
static int stack_init_area(struct gen *g, struct gstate *s, int n)
{
    /* reuse one that is already initialised */
    for (int tries = 0; tries < 8; tries++) {
        int off = stack_area(g, s, n, false);
        if (off && stack_all(s, off, n, SB_SCALAR))
            return off;
    }
    int off = stack_area(g, s, n, true);
    if (!off)
        return 0;
    for (int o = off; o < off + n;) {
        int left = off + n - o;
        unsigned sz = left >= 8 && !(o & 7) ? 8 : left >= 4 && !(o & 3) ? 4 : left >= 2 && !(o & 1) ? 2 : 1;
        uint32_t at;
        int sr = sz == 8 || gchance(g, 50) ? pick_reg(g, s, GK_SCALAR, false) : -1;
        if (sr >= 0 && gchance(g, 50))
            at = emit_stx(g, sz, 10, sr, (int16_t)o);
        else
            at = emit_st(g, sz, 10, (int16_t)o, (int32_t)grange(g, -2, 300));
        gen_site(g, GS_INIT, at, 0, 0, 0);
        gen_site(g, GS_STACK, at, 0, 0, 0);
        stack_write_scalar(s, o, (int)sz);
        o += (int)sz;
    }
    return off;
}

/* ----------------------------------------------------------------- maps */

static int pick_map(struct gen *g, const uint32_t *types, int ntypes)
{
    int cand[GEN_MAX_MAPS], n = 0;
    for (uint32_t i = 0; i < g->p->n_maps; i++)
        for (int t = 0; t < ntypes; t++)
            if (g->p->maps[i].type == types[t])
                cand[n++] = (int)i;
    return n ? cand[grand(g, (uint64_t)n)] : -1;
}

static const uint32_t kv_maps[] = {BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERCPU_ARRAY,
                                   BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_LRU_HASH};
#define N_KV_MAPS ((int)(sizeof kv_maps / sizeof kv_maps[0]))

/* Write a key for map m at a fresh area; *const_key: whether it is one
 * BPF_ST of a constant (the kernel then knows the key). */
static int write_key(struct gen *g, struct gstate *s, int m, bool *const_key, int32_t *keyval)
{
    const struct gen_map *mp = &g->p->maps[m];
    int n = (int)mp->key_size;
    int off = stack_area(g, s, n, true);
    if (!off)
        return 0;
    *const_key = false;
    bool arr = mp->type == BPF_MAP_TYPE_ARRAY || mp->type == BPF_MAP_TYPE_PERCPU_ARRAY;
    if (arr && n == 4 && gchance(g, 75)) {
        int32_t k = gchance(g, 90) ? (int32_t)grand(g, mp->max_entries)
                                   : (int32_t)grange(g, -1, (int64_t)mp->max_entries + 2);
        uint32_t at = emit_st(g, 4, 10, (int16_t)off, k);
        gen_site(g, GS_KEY, at, 0, k, (int32_t)mp->max_entries);
        gen_site(g, GS_INIT, at, 0, 0, 0);
        stack_write_scalar(s, off, 4);
        *const_key = true;
        *keyval = k;
        return off;
    }
    for (int o = off; o < off + n;) {
        int left = off + n - o;
        unsigned sz = left >= 8 && !(o & 7) ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
        int sr = pick_reg(g, s, GK_SCALAR, false);
        uint32_t at;
        if (sr >= 0 && gchance(g, 40))
            at = emit_stx(g, sz, 10, sr, (int16_t)o);
        else
            at = emit_st(g, sz, 10, (int16_t)o,
                         (int32_t)(arr ? grand(g, mp->max_entries) : grand(g, 24)));
        gen_site(g, GS_INIT, at, 0, 0, 0);
        stack_write_scalar(s, o, (int)sz);
        o += (int)sz;
    }
    return off;
}

static uint32_t emit_map_ptr(struct gen *g, int dst, int m)
{
    return emit_lddw(g, dst, BPF_PSEUDO_MAP_IDX, (uint64_t)(uint32_t)m);
}

/* ------------------------------------------------------------- accesses */

static unsigned rand_size(struct gen *g)
{
    static const unsigned sz[] = {1, 2, 4, 8};
    return sz[grand(g, 4)];
}

/* A load (or store) through register base (a pointer whose accessible
 * bytes from its own position are [-below, avail)), at a random offset. */
static void mem_access(struct gen *g, struct gstate *s, int base, int avail, bool writable,
                       bool allow_atomic, uint8_t region)
{
    if (avail <= 0)
        return;
    unsigned size = rand_size(g);
    while ((int)size > avail)
        size /= 2;
    int off = (int)grand(g, (uint64_t)(avail - (int)size + 1));
    if (region == GK_STACK || region == GK_MEM || allow_atomic)
        off &= ~(int)(size - 1); /* stack accesses and atomics must be aligned */
    int kind = (int)grand(g, 10);
    uint32_t at;
    if (writable && allow_atomic && kind == 0 && size >= 4) {
        /* atomic: add/or/and/xor (+fetch), xchg, cmpxchg */
        static const int ops[] = {BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH,
                                  BPF_OR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG};
        int op = ops[grand(g, 8)];
        int src = get_scalar(g, s, true, base);
        if (src == base)
            return;
        if (op == BPF_CMPXCHG && s->r[0].k != GK_SCALAR) {
            if (base == 0 || src == 0)
                return;
            emit_mov_imm(g, 0, (int32_t)grand(g, 16));
            reg_const(&s->r[0], 0);
        }
        if (op == BPF_CMPXCHG && (base == 0 || src == 0))
            return;
        at = gen_emit(g, GI(BPF_STX | BPF_ATOMIC | size_code(size), base, src, off, op));
        gen_site(g, GS_ACCESS, at, 0, avail, region);
        if (op & BPF_FETCH)
            reg_scalar(&s->r[op == BPF_CMPXCHG ? 0 : src], size == 4, 0, UINT32_MAX);
        return;
    }
    if (writable && kind < 5) {
        if (gchance(g, 50)) {
            at = emit_st(g, size, base, (int16_t)off, (int32_t)grange(g, -8, 255));
        } else {
            int src = get_scalar(g, s, true, base);
            at = emit_stx(g, size, base, src, (int16_t)off);
        }
        gen_site(g, GS_ACCESS, at, 0, avail, region);
        return;
    }
    int dst = pick_dst(g, s, base, -1);
    if (gchance(g, 8) && size < 8) {
        /* cpu v4 sign-extending load */
        at = gen_emit(g, GI(BPF_LDX | BPF_MEMSX | size_code(size), dst, base, off, 0));
        reg_scalar(&s->r[dst], false, 0, 0);
    } else {
        at = emit_ldx(g, size, dst, base, (int16_t)off);
        reg_scalar(&s->r[dst], true, 0, size == 8 ? UINT64_MAX : (1ull << (8 * size)) - 1);
        if (size == 8)
            s->r[dst].bounded = false;
    }
    gen_site(g, GS_ACCESS, at, 0, avail, region);
}

/* A scalar register bounded by [0, max] (emitting the bounding), or -1.
 * Bounds by mask, by shift or (the caller's body) by a branch: *branch_at
 * receives the branch to patch past the body when one was emitted. */
static int bounded_index(struct gen *g, struct gstate *s, uint64_t max, int avoid_a, int avoid_b,
                         uint32_t *branch_at)
{
    *branch_at = UINT32_MAX;
    if (max == 0)
        return -1;
    int src = pick_reg(g, s, GK_SCALAR, true);
    int d = pick_dst(g, s, avoid_a, avoid_b);
    if (d == src || src < 0 || gchance(g, 20)) {
        src = -1;
        /* a value the verifier does not know: a ctx field or a packet byte would
         * do; a register copy of an unknown scalar is the general case */
    }
    if (src >= 0)
        emit_mov_reg(g, d, src);
    else if (g->det || !gchance(g, 50) || (avoid_a >= 0 && avoid_a <= 5) ||
             (avoid_b >= 0 && avoid_b <= 5)) {
        /* a constant is still a scalar the bounding must cover */
        emit_mov_imm(g, d, (int32_t)grng_next(&g->rng));
    } else {
        /* no deterministic source: prandom (not in deterministic runs) */
        if (d >= 1 && d <= 5)
            return -1;
        bool r0_live = s->r[0].k != GK_NONE;
        if (r0_live && d != 0)
            return -1;
        emit_call(g, BPF_FUNC_get_prandom_u32);
        clobber_args(s);
        if (d != 0)
            emit_mov_reg(g, d, 0);
        reg_scalar(&s->r[0], true, 0, UINT32_MAX);
    }
    uint64_t mask = fill_bits(max);
    if (mask > max)
        mask >>= 1;
    int how = (int)grand(g, 10);
    if (how < 5 || mask == 0) {
        uint32_t at;
        if (mask <= INT32_MAX)
            at = gen_emit(g, GI(BPF_ALU64 | BPF_AND | BPF_K, d, 0, 0, (int32_t)mask));
        else
            return -1;
        gen_site(g, GS_MASK, at, 0, (int32_t)mask, 0);
        reg_scalar(&s->r[d], true, 0, mask);
    } else if (how < 7) {
        int bits = 0;
        while ((1ull << bits) <= mask)
            bits++;
        /* r >>= 64 - bits leaves [0, 2^bits - 1] */
        uint32_t at = gen_emit(g, GI(BPF_ALU64 | BPF_RSH | BPF_K, d, 0, 0, 64 - bits));
        gen_site(g, GS_MASK, at, 0, (int32_t)(64 - bits), 1);
        reg_scalar(&s->r[d], true, 0, (1ull << bits) - 1);
    } else {
        /* if d > max goto past-the-body (unsigned; 32-bit when it fits) */
        bool j32 = gchance(g, 30);
        if (j32) {
            /* the upper half must be zero for a 32-bit compare to bound it */
            gen_emit(g, GI(BPF_ALU | BPF_MOV | BPF_X, d, d, 0, 0));
        }
        uint32_t at = gen_emit(g, GI((j32 ? BPF_JMP32 : BPF_JMP) | BPF_JGT | BPF_K, d, 0, 0,
                                     (int32_t)max));
        gen_site(g, GS_BRANCH, at, 0, 0, 0);
        gen_site(g, GS_MASK, at, 0, (int32_t)max, 2);
        *branch_at = at;
        reg_scalar(&s->r[d], true, 0, max);
    }
    return d;
}

/* ---------------------------------------------------------------- blocks */

static void gen_body(struct gen *g, struct gstate *s, int nblocks);

static void blk_alu(struct gen *g, struct gstate *s)
{
    static const int ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_OR, BPF_AND,
                              BPF_XOR, BPF_LSH, BPF_RSH, BPF_ARSH, BPF_MOV, BPF_NEG, BPF_END};
    int d = pick_reg(g, s, GK_SCALAR, true);
    if (d < 0 || gchance(g, 15)) {
        d = pick_dst(g, s, -1, -1);
        int32_t v = gchance(g, 70) ? (int32_t)grange(g, -100, 1000) : (int32_t)grng_next(&g->rng);
        bool w = gchance(g, 25);
        uint32_t at = gen_emit(g, GI((w ? BPF_ALU : BPF_ALU64) | BPF_MOV | BPF_K, d, 0, 0, v));
        gen_site(g, GS_INIT, at, 0, 0, 0);
        reg_const(&s->r[d], w ? (uint64_t)(uint32_t)v : (uint64_t)(int64_t)v);
        if (gchance(g, 10)) {
            uint64_t big = grng_next(&g->rng);
            emit_lddw(g, d, 0, big);
            reg_const(&s->r[d], big);
        }
        shape(g, "m");
        return;
    }
    int n = 1 + (int)grand(g, 4);
    for (int i = 0; i < n; i++) {
        int op = ops[grand(g, sizeof ops / sizeof ops[0])];
        bool is64 = gchance(g, 70);
        int cls = is64 ? BPF_ALU64 : BPF_ALU;
        if (op == BPF_NEG) {
            gen_emit(g, GI(cls | BPF_NEG, d, 0, 0, 0));
            if (s->r[d].bounded && s->r[d].lo == s->r[d].hi)
                reg_const(&s->r[d], is64 ? (uint64_t)-s->r[d].lo : (uint32_t)-(uint32_t)s->r[d].lo);
            else
                reg_scalar(&s->r[d], !is64, 0, UINT32_MAX);
            continue;
        }
        if (op == BPF_END) {
            static const int w[] = {16, 32, 64};
            int bits = w[grand(g, 3)];
            if (gchance(g, 30))
                gen_emit(g, GI(BPF_ALU64 | BPF_END | BPF_TO_LE, d, 0, 0, bits)); /* v4 bswap */
            else
                gen_emit(g, GI(BPF_ALU | BPF_END | (gchance(g, 50) ? BPF_TO_BE : BPF_TO_LE), d, 0,
                               0, bits));
            reg_scalar(&s->r[d], bits < 64, 0, bits < 64 ? (1ull << bits) - 1 : 0);
            continue;
        }
        bool use_reg = gchance(g, 40);
        int sr = use_reg ? pick_reg(g, s, GK_SCALAR, true) : -1;
        struct greg src;
        int16_t off = 0;
        if (sr >= 0) {
            src = s->r[sr];
            if (op == BPF_MOV && gchance(g, 15)) {
                static const int16_t sx[] = {8, 16, 32};
                off = sx[grand(g, is64 ? 3 : 2)]; /* v4 movsx */
            }
            if ((op == BPF_DIV || op == BPF_MOD) && gchance(g, 15))
                off = 1; /* v4 sdiv/smod */
            gen_emit(g, GI(cls | op | BPF_X, d, sr, off, 0));
        } else {
            int32_t imm;
            if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
                imm = (int32_t)grand(g, is64 ? 64 : 32);
            else if (op == BPF_DIV || op == BPF_MOD)
                imm = (int32_t)grange(g, 1, 300) * (gchance(g, 10) ? -1 : 1);
            else if (op == BPF_AND)
                imm = gchance(g, 60) ? (int32_t)fill_bits(grand(g, 4096)) : (int32_t)grng_next(&g->rng);
            else
                imm = gchance(g, 70) ? (int32_t)grange(g, -64, 4096) : (int32_t)grng_next(&g->rng);
            if ((op == BPF_DIV || op == BPF_MOD) && gchance(g, 10))
                off = 1;
            gen_emit(g, GI(cls | op | BPF_K, d, 0, off, imm));
            reg_const(&src, is64 ? (uint64_t)(int64_t)imm : (uint64_t)(uint32_t)imm);
        }
        if (off)
            reg_scalar(&s->r[d], !is64, 0, UINT32_MAX); /* signed ops: not modelled */
        else
            alu_model(&s->r[d], &src, op, is64);
    }
    shape(g, "a");
}

/* pointer += constant, within the object */
static void blk_ptr_arith(struct gen *g, struct gstate *s)
{
    int r = pick_reg(g, s, -1, true);
    if (r < 0 || !is_ptr(&s->r[r]) || s->r[r].k == GK_CTX || s->r[r].k == GK_PKT_END)
        return;
    struct greg *p = &s->r[r];
    int32_t delta;
    switch (p->k) {
    case GK_STACK: {
        int lo = g->stack_floor - p->off, hi = -8 - p->off;
        if (hi < lo)
            return;
        delta = (int32_t)grange(g, lo, hi) & ~7;
        break;
    }
    case GK_MAPVAL: {
        int vs = (int)g->p->maps[p->map].value_size;
        delta = (int32_t)grange(g, -p->off, vs - p->off - 1);
        break;
    }
    case GK_PKT:
        delta = (int32_t)grange(g, p->off > 8 ? -8 : -p->off, 24);
        break;
    case GK_MEM:
        delta = (int32_t)grange(g, -p->off, p->size - p->off - 1);
        break;
    default:
        return;
    }
    if (p->k != GK_STACK && gchance(g, 50) && delta != INT32_MIN)
        gen_emit(g, GI(BPF_ALU64 | BPF_SUB | BPF_K, r, 0, 0, -delta));
    else
        emit_add_imm(g, r, delta);
    p->off += delta;
    shape(g, "p");
}

/* struct bpf_sock fields through __sk_buff->sk (sock_common): the test
 * run's socket has the same values in the kernel and in bpfemu, cookie
 * aside (not a field). Sizes as bit masks like ctx_fields. */
static const struct {
    uint8_t off, sizes;
} sock_fields[] = {
    {0, SZ4},             /* bound_dev_if */
    {4, SZ1 | SZ2 | SZ4}, /* family */
    {24, SZ1 | SZ2 | SZ4}, {26, SZ1 | SZ2}, /* src_ip4 */
    {28, SZ1 | SZ2 | SZ4}, {40, SZ1 | SZ2 | SZ4}, /* src_ip6 */
    {44, SZ1 | SZ2 | SZ4}, /* src_port */
    {48, SZ1 | SZ2 | SZ4}, {49, SZ1}, /* dst_port */
    {52, SZ1 | SZ2 | SZ4}, {56, SZ1 | SZ2 | SZ4}, {68, SZ4}, /* dst_ip4, dst_ip6 */
    {72, SZ1 | SZ2 | SZ4}, /* state */
    {76, SZ1 | SZ2 | SZ4}, /* rx_queue_mapping */
};

/* d = skb->sk; v = 0; if d != NULL: v = d->field. d is then unusable
 * (a socket or NULL), v a scalar. */
static void blk_sock_read(struct gen *g, struct gstate *s)
{
    int d = pick_dst(g, s, g->ctx_reg, -1);
    int v = pick_dst(g, s, g->ctx_reg, d);
    if (d == v)
        return;
    unsigned i = (unsigned)grand(g, sizeof sock_fields / sizeof sock_fields[0]), size;
    do
        size = rand_size(g);
    while (!(sock_fields[i].sizes & size));
    emit_ldx(g, 8, d, g->ctx_reg, (int16_t)offsetof(struct __sk_buff, sk));
    gen_site(g, GS_ACCESS, g->len - 1, 0, 0, GK_CTX);
    emit_mov_imm(g, v, 0);
    uint32_t skip = gen_emit(g, GI(BPF_JMP | BPF_JEQ | BPF_K, d, 0, 0, 0));
    uint32_t at = emit_ldx(g, size, v, d, (int16_t)sock_fields[i].off);
    gen_site(g, GS_ACCESS, at, 0, 0, GK_CTX);
    patch_here(g, skip);
    reg_none(&s->r[d]);
    reg_scalar(&s->r[v], true, 0, size < 8 ? (1ull << (8 * size)) - 1 : UINT32_MAX);
    shape(g, "k");
}

static void blk_ctx_read(struct gen *g, struct gstate *s)
{
    if (g->ctx_reg < 0)
        return;
    if (!is_xdp(g) && gchance(g, 15)) {
        blk_sock_read(g, s);
        return;
    }
    const struct ctx_field *c = NULL;
    for (int tries = 0; tries < 16 && !c; tries++) {
        const struct ctx_field *f = &ctx_fields[grand(g, sizeof ctx_fields / sizeof ctx_fields[0])];
        if ((f->types & type_bit(g)) && (!g->det || f->det))
            c = f;
    }
    if (!c)
        return;
    unsigned size;
    do
        size = rand_size(g);
    while (!(c->sizes & size));
    int d = pick_dst(g, s, -1, -1);
    uint32_t at = emit_ldx(g, size, d, g->ctx_reg, (int16_t)c->off);
    gen_site(g, GS_ACCESS, at, 0, 0, GK_CTX);
    reg_scalar(&s->r[d], size < 8, 0, size < 8 ? (1ull << (8 * size)) - 1 : 0);
    shape(g, "c");
}

static void blk_ctx_write(struct gen *g, struct gstate *s)
{
    if (g->ctx_reg < 0 || is_xdp(g))
        return;
    const struct ctx_field *c = NULL;
    for (int tries = 0; tries < 16 && !c; tries++) {
        const struct ctx_field *f = &ctx_fields[grand(g, sizeof ctx_fields / sizeof ctx_fields[0])];
        if ((f->types & type_bit(g)) && f->wsizes && (is_tc(g) || (f->off >= 48 && f->off <= 64)))
            c = f;
    }
    if (!c)
        return;
    unsigned size = (c->wsizes & SZ8) && gchance(g, 40) ? 8 : (c->wsizes & SZ4) ? 4 : 8;
    uint32_t at;
    if (gchance(g, 25)) {
        at = emit_st(g, size, g->ctx_reg, (int16_t)c->off, (int32_t)grand(g, 256));
    } else {
        int src = get_scalar(g, s, true, g->ctx_reg);
        at = emit_stx(g, size, g->ctx_reg, src, (int16_t)c->off);
    }
    gen_site(g, GS_ACCESS, at, 0, 0, GK_CTX);
    shape(g, "w");
}

/* data / data_end in registers (loaded now if needed): 0 or -1. */
static int ensure_pkt(struct gen *g, struct gstate *s, int *rd, int *re)
{
    *rd = *re = -1;
    for (int i = 0; i < 10; i++) {
        if (s->r[i].k == GK_PKT && s->r[i].off == 0 && *rd < 0)
            *rd = i;
        if (s->r[i].k == GK_PKT_END && *re < 0)
            *re = i;
    }
    if ((*rd >= 0 && *re >= 0) || g->ctx_reg < 0 || !has_direct_pkt(g))
        return *rd >= 0 && *re >= 0 ? 0 : -1;
    int doff = is_xdp(g) ? 0 : 76, eoff = is_xdp(g) ? 4 : 80;
    if (*rd < 0) {
        *rd = pick_saved(g, s, *re, -1);
        emit_ldx(g, 4, *rd, g->ctx_reg, (int16_t)doff);
        reg_none(&s->r[*rd]);
        s->r[*rd].k = GK_PKT;
    }
    if (*re < 0) {
        *re = pick_saved(g, s, *rd, -1);
        emit_ldx(g, 4, *re, g->ctx_reg, (int16_t)eoff);
        reg_none(&s->r[*re]);
        s->r[*re].k = GK_PKT_END;
    }
    return 0;
}

/* Every fixed-offset packet pointer (registers and spills) learns range n. */
static void pkt_learn(struct gstate *s, int n)
{
    for (int i = 0; i < 11; i++)
        if (s->r[i].k == GK_PKT && s->r[i].range < n)
            s->r[i].range = n;
    for (int j = 0; j < GEN_STACK / 8; j++)
        if (s->spill[j].k == GK_PKT && s->spill[j].range < n)
            s->spill[j].range = n;
}

/* The guard "t = base + n; if t > end goto skip": emits it and returns the
 * jump to patch past the body (the body is on the fall-through). Several
 * equivalent forms; `open` forms prove n+1 bytes (the model uses n). */
static uint32_t emit_pkt_guard(struct gen *g, int t, int re)
{
    int form = (int)grand(g, 6);
    uint32_t at;
    switch (form) {
    case 0: at = gen_emit(g, GI(BPF_JMP | BPF_JGT | BPF_X, t, re, 0, 0)); break;
    case 1: at = gen_emit(g, GI(BPF_JMP | BPF_JLT | BPF_X, re, t, 0, 0)); break;
    case 2: at = gen_emit(g, GI(BPF_JMP | BPF_JGE | BPF_X, t, re, 0, 0)); break;
    case 3: at = gen_emit(g, GI(BPF_JMP | BPF_JLE | BPF_X, re, t, 0, 0)); break;
    default: {
        /* taken side: "if t <= end goto body; goto skip; body:" */
        bool mirrored = form == 5;
        gen_emit(g, mirrored ? GI(BPF_JMP | BPF_JGE | BPF_X, re, t, 1, 0)
                             : GI(BPF_JMP | BPF_JLE | BPF_X, t, re, 1, 0));
        at = gen_emit(g, GI(BPF_JMP | BPF_JA, 0, 0, 0, 0));
        /* the mutation site is the comparison */
        break;
    }
    }
    return at;
}

static void blk_pkt(struct gen *g, struct gstate *s)
{
    int rd, re;
    if (ensure_pkt(g, s, &rd, &re))
        return;
    struct gstate before = *s;
    int t = pick_dst(g, s, rd, re);
    bool variable = gchance(g, 25) && g->depth < 3;
    uint32_t branch_at = UINT32_MAX, skip;
    int n;
    if (!variable) {
        n = gchance(g, 70) ? (int)grange(g, 1, 64) : (int)grange(g, 1, 1600);
        emit_mov_reg(g, t, rd);
        uint32_t add = emit_add_imm(g, t, n);
        skip = emit_pkt_guard(g, t, re);
        bool taken = g->code[skip].code == (BPF_JMP | BPF_JA);
        gen_site(g, GS_PKT_GUARD, add, taken ? skip - 1 : skip, n, taken);
        struct gstate body = *s;
        reg_none(&body.r[t]);
        body.r[t].k = GK_PKT;
        body.r[t].off = n;
        struct greg t_skip = body.r[t]; /* t on the path that skips the body */
        pkt_learn(&body, n);
        int na = 1 + (int)grand(g, 3);
        for (int i = 0; i < na; i++) {
            /* through data or another fixed packet pointer */
            int b = rd;
            int alt = pick_reg(g, &body, GK_PKT, true);
            if (alt >= 0 && gchance(g, 30))
                b = alt;
            int avail = body.r[b].range - body.r[b].off;
            mem_access(g, &body, b, avail, true, false, GK_PKT);
        }
        g->depth++;
        gen_body(g, &body, (int)grand(g, 3));
        g->depth--;
        patch_here(g, skip);
        before.r[t] = t_skip;
        join_state(s, &before, &body);
    } else {
        /* p = data + (index & mask); t = p + off + size; if t > end goto skip */
        struct gstate body = *s;
        uint64_t max = gchance(g, 70) ? grange(g, 1, 255) : grange(g, 1, 0x7fff);
        int idx = bounded_index(g, &body, max, rd, re, &branch_at);
        if (idx < 0) {
            if (branch_at != UINT32_MAX)
                patch_here(g, branch_at);
            *s = before;
            return;
        }
        int p = pick_dst(g, &body, rd, re);
        if (p == idx)
            p = t;
        if (p == idx || p == rd || p == re) {
            if (branch_at != UINT32_MAX)
                patch_here(g, branch_at);
            join_state(s, &before, &body);
            return;
        }
        emit_mov_reg(g, p, rd);
        gen_emit(g, GI(BPF_ALU64 | BPF_ADD | BPF_X, p, idx, 0, 0));
        int tt = pick_dst(g, &body, p, re);
        if (tt == idx || tt == rd)
            tt = p == 9 ? 8 : 9;
        if (tt == g->ctx_reg || tt == p || tt == re || tt == rd) {
            if (branch_at != UINT32_MAX)
                patch_here(g, branch_at);
            reg_none(&body.r[p]);
            join_state(s, &before, &body);
            return;
        }
        unsigned size = rand_size(g);
        int off = (int)grand(g, 16);
        n = off + (int)size;
        emit_mov_reg(g, tt, p);
        uint32_t add = emit_add_imm(g, tt, n);
        skip = emit_pkt_guard(g, tt, re);
        bool taken = g->code[skip].code == (BPF_JMP | BPF_JA);
        gen_site(g, GS_PKT_GUARD, add, taken ? skip - 1 : skip, n, taken);
        uint32_t at;
        if (gchance(g, 50)) {
            int dst = pick_dst(g, &body, p, -1);
            at = emit_ldx(g, size, dst, p, (int16_t)off);
            reg_scalar(&body.r[dst], size < 8, 0, size < 8 ? (1ull << (8 * size)) - 1 : 0);
        } else {
            at = emit_st(g, size, p, (int16_t)off, (int32_t)grand(g, 256));
        }
        gen_site(g, GS_ACCESS, at, 0, n, GK_PKT);
        patch_here(g, skip);
        if (branch_at != UINT32_MAX)
            patch_here(g, branch_at);
        reg_none(&body.r[p]);
        reg_none(&body.r[tt]);
        before.r[p] = body.r[p];
        before.r[tt] = body.r[tt];
        join_state(s, &before, &body);
    }
    shape(g, "P");
}

/* The body of a non-null map value in register v (r0 right after the
 * lookup): accesses, maybe a copy to a callee-saved register and nested
 * blocks. */
static void mapval_body(struct gen *g, struct gstate *s, int v)
{
    int m = s->r[v].map;
    int vs = (int)g->p->maps[m].value_size;
    if (gchance(g, 50)) {
        int c = pick_saved(g, s, -1, -1);
        emit_mov_reg(g, c, v);
        s->r[c] = s->r[v];
        v = c;
    }
    int na = 1 + (int)grand(g, 3);
    for (int i = 0; i < na; i++) {
        if (gchance(g, 25) && g->depth < 3) {
            /* variable offset: v + (idx bounded) */
            uint32_t branch_at;
            uint64_t max = (uint64_t)(vs > 8 ? vs - 8 : 0);
            struct gstate inner = *s;
            int idx = bounded_index(g, &inner, max ? max : 1, v, -1, &branch_at);
            if (idx < 0 || idx == v || max == 0) {
                if (branch_at != UINT32_MAX)
                    patch_here(g, branch_at);
                join_state(s, s, &inner);
                continue;
            }
            int p = pick_dst(g, &inner, v, idx);
            emit_mov_reg(g, p, v);
            gen_emit(g, GI(BPF_ALU64 | BPF_ADD | BPF_X, p, idx, 0, 0));
            /* accessible: [0, vs - off_v - max) from p */
            int avail = vs - inner.r[v].off - (int)max;
            if (avail > 8)
                avail = 8;
            if (avail > 0) {
                unsigned size = rand_size(g);
                while ((int)size > avail)
                    size /= 2;
                uint32_t at;
                if (gchance(g, 50)) {
                    int dst = pick_dst(g, &inner, p, -1);
                    at = emit_ldx(g, size, dst, p, 0);
                    reg_scalar(&inner.r[dst], size < 8, 0, size < 8 ? (1ull << (8 * size)) - 1 : 0);
                } else {
                    at = emit_st(g, size, p, 0, (int32_t)grand(g, 1000));
                }
                gen_site(g, GS_ACCESS, at, 0, avail, GK_MAPVAL);
            }
            reg_none(&inner.r[p]);
            if (branch_at != UINT32_MAX)
                patch_here(g, branch_at);
            struct gstate outer = *s;
            outer.r[p] = inner.r[p];
            outer.r[idx] = inner.r[idx];
            join_state(s, &outer, &inner);
            continue;
        }
        if (s->r[v].k != GK_MAPVAL)
            break;
        mem_access(g, s, v, vs - s->r[v].off, !(g->p->maps[m].flags & BPF_F_RDONLY_PROG), true,
                   GK_MAPVAL);
    }
    g->depth++;
    gen_body(g, s, (int)grand(g, 3));
    g->depth--;
}

static void blk_map_lookup(struct gen *g, struct gstate *s)
{
    int m = pick_map(g, kv_maps, N_KV_MAPS);
    if (m < 0)
        return;
    bool ck;
    int32_t kv = 0;
    int koff = write_key(g, s, m, &ck, &kv);
    if (!koff)
        return;
    emit_mov_reg(g, 2, 10);
    emit_add_imm(g, 2, koff);
    emit_map_ptr(g, 1, m);
    emit_call(g, BPF_FUNC_map_lookup_elem);
    clobber_args(s);
    const struct gen_map *mp = &g->p->maps[m];
    bool arr = mp->type == BPF_MAP_TYPE_ARRAY || mp->type == BPF_MAP_TYPE_PERCPU_ARRAY;
    if (arr && ck && kv >= 0 && (uint32_t)kv < mp->max_entries && gchance(g, 40)) {
        /* 6.18: a constant in-range key of an array gives a non-null value */
        reg_none(&s->r[0]);
        s->r[0].k = GK_MAPVAL;
        s->r[0].map = (uint8_t)m;
        mapval_body(g, s, 0);
        shape(g, "K");
        return;
    }
    struct gstate before = *s;
    reg_const(&before.r[0], 0);
    uint32_t skip;
    bool inverted = gchance(g, 25);
    if (!inverted) {
        skip = gen_emit(g, GI(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0, 0));
        gen_site(g, GS_NULL_CHECK, skip, 0, 0, 0);
    } else {
        uint32_t c = gen_emit(g, GI(BPF_JMP | BPF_JNE | BPF_K, 0, 0, 1, 0));
        gen_site(g, GS_NULL_CHECK, c, 0, 1, 0);
        skip = gen_emit(g, GI(BPF_JMP | BPF_JA, 0, 0, 0, 0));
    }
    struct gstate body = *s;
    reg_none(&body.r[0]);
    body.r[0].k = GK_MAPVAL;
    body.r[0].map = (uint8_t)m;
    mapval_body(g, &body, 0);
    patch_here(g, skip);
    join_state(s, &before, &body);
    shape(g, "L");
}

/* value_size bytes initialised on the stack */
static int write_value(struct gen *g, struct gstate *s, int n)
{
    return stack_init_area(g, s, n);
}

static void blk_map_update(struct gen *g, struct gstate *s, bool del)
{
    int m = pick_map(g, kv_maps, N_KV_MAPS);
    if (m < 0)
        return;
    const struct gen_map *mp = &g->p->maps[m];
    bool arr = mp->type == BPF_MAP_TYPE_ARRAY || mp->type == BPF_MAP_TYPE_PERCPU_ARRAY;
    if (del && arr)
        return; /* array elements cannot be deleted (-EINVAL): fine, but dull */
    bool ck;
    int32_t kv;
    int koff = write_key(g, s, m, &ck, &kv);
    if (!koff)
        return;
    int voff = 0;
    if (!del) {
        voff = write_value(g, s, (int)mp->value_size);
        if (!voff)
            return;
    }
    emit_mov_reg(g, 2, 10);
    emit_add_imm(g, 2, koff);
    if (!del) {
        emit_mov_reg(g, 3, 10);
        emit_add_imm(g, 3, voff);
        emit_mov_imm(g, 4, gchance(g, 80) ? BPF_ANY : (int32_t)grange(g, 1, 2));
    }
    emit_map_ptr(g, 1, m);
    emit_call(g, del ? BPF_FUNC_map_delete_elem : BPF_FUNC_map_update_elem);
    clobber_args(s);
    reg_scalar(&s->r[0], false, 0, 0);
    shape(g, del ? "D" : "U");
}

static void blk_queue(struct gen *g, struct gstate *s)
{
    static const uint32_t qt[] = {BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK};
    int m = pick_map(g, qt, 2);
    if (m < 0)
        return;
    int vs = (int)g->p->maps[m].value_size;
    int op = (int)grand(g, 3);
    int off = op == 0 || g->det ? stack_init_area(g, s, vs) : stack_area(g, s, vs, true);
    if (!off)
        return;
    emit_mov_reg(g, 2, 10);
    emit_add_imm(g, 2, off);
    if (op == 0)
        emit_mov_imm(g, 3, gchance(g, 80) ? 0 : BPF_EXIST);
    emit_map_ptr(g, 1, m);
    emit_call(g, op == 0 ? BPF_FUNC_map_push_elem
                         : op == 1 ? BPF_FUNC_map_pop_elem : BPF_FUNC_map_peek_elem);
    clobber_args(s);
    reg_scalar(&s->r[0], false, 0, 0);
    if (op)
        stack_write_scalar(s, off, vs);
    shape(g, "Q");
}

static void blk_ringbuf(struct gen *g, struct gstate *s)
{
    static const uint32_t rt[] = {BPF_MAP_TYPE_RINGBUF};
    int m = pick_map(g, rt, 1);
    if (m < 0)
        return;
    if (gchance(g, 30)) {
        /* ringbuf_output(map, data, size, flags) */
        int n = (int)grange(g, 1, 48);
        int off = stack_init_area(g, s, n);
        if (!off)
            return;
        emit_mov_reg(g, 2, 10);
        emit_add_imm(g, 2, off);
        uint32_t at = emit_mov_imm(g, 3, n);
        gen_site(g, GS_SIZE, at, 0, n, 0);
        emit_mov_imm(g, 4, 0);
        emit_map_ptr(g, 1, m);
        emit_call(g, BPF_FUNC_ringbuf_output);
        clobber_args(s);
        reg_scalar(&s->r[0], false, 0, 0);
        shape(g, "o");
        return;
    }
    int size = (int)grange(g, 1, 64);
    emit_map_ptr(g, 1, m);
    uint32_t at = emit_mov_imm(g, 2, size);
    gen_site(g, GS_SIZE, at, 0, size, 0);
    emit_mov_imm(g, 3, 0);
    emit_call(g, BPF_FUNC_ringbuf_reserve);
    clobber_args(s);
    struct gstate before = *s;
    reg_const(&before.r[0], 0);
    uint32_t skip = gen_emit(g, GI(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0, 0));
    gen_site(g, GS_NULL_CHECK, skip, 0, 0, 0);
    int na = 1 + (int)grand(g, 3);
    for (int i = 0; i < na; i++) {
        unsigned sz = rand_size(g);
        while ((int)sz > size)
            sz /= 2;
        int off = (int)grand(g, (uint64_t)(size - (int)sz + 1));
        uint32_t a2 = emit_st(g, sz, 0, (int16_t)off, (int32_t)grand(g, 1 << 16));
        gen_site(g, GS_ACCESS, a2, 0, size, GK_MEM);
    }
    emit_mov_reg(g, 1, 0);
    emit_mov_imm(g, 2, gchance(g, 50) ? 0 : 1 /* BPF_RB_NO_WAKEUP */);
    emit_call(g, gchance(g, 70) ? BPF_FUNC_ringbuf_submit : BPF_FUNC_ringbuf_discard);
    struct gstate body = *s;
    clobber_args(&body);
    reg_none(&body.r[0]);
    patch_here(g, skip);
    join_state(s, &before, &body);
    shape(g, "R");
}

/* Generic helper calls, arguments from the helper's prototype. */
struct ghelper {
    int32_t id;
    uint8_t types; /* 1 xdp, 2 tc, 4 socket */
    bool det;      /* the kernel's test run and bpfemu give the same result */
    bool pkt;      /* changes packet data: packet pointers are invalidated */
};

static const struct ghelper ghelpers[] = {
    {BPF_FUNC_get_prandom_u32, 7, false, false},
    {BPF_FUNC_ktime_get_ns, 7, false, false},
    {BPF_FUNC_ktime_get_boot_ns, 7, false, false},
    {BPF_FUNC_get_smp_processor_id, 7, false, false},
    {BPF_FUNC_jiffies64, 7, false, false},
    {BPF_FUNC_csum_diff, 3, true, false},
    {BPF_FUNC_xdp_adjust_head, 1, true, true},
    {BPF_FUNC_xdp_adjust_tail, 1, true, true},
    {BPF_FUNC_xdp_adjust_meta, 1, true, true},
    {BPF_FUNC_xdp_get_buff_len, 1, true, false},
    {BPF_FUNC_xdp_load_bytes, 1, true, false},
    {BPF_FUNC_xdp_store_bytes, 1, true, true},
    {BPF_FUNC_redirect, 3, true, false},
    {BPF_FUNC_skb_load_bytes, 6, true, false},
    {BPF_FUNC_skb_load_bytes_relative, 6, true, false},
    {BPF_FUNC_skb_store_bytes, 2, true, true},
    {BPF_FUNC_l3_csum_replace, 2, true, true},
    {BPF_FUNC_l4_csum_replace, 2, true, true},
    {BPF_FUNC_csum_update, 2, true, false},
    {BPF_FUNC_csum_level, 2, true, false},
    {BPF_FUNC_skb_pull_data, 2, true, true},
    {BPF_FUNC_get_hash_recalc, 2, false, false},
    {BPF_FUNC_set_hash_invalid, 2, true, false},
    {BPF_FUNC_set_hash, 2, true, false},
    {BPF_FUNC_skb_vlan_push, 2, true, true},
    {BPF_FUNC_skb_vlan_pop, 2, true, true},
    {BPF_FUNC_skb_change_tail, 2, true, true},
    {BPF_FUNC_skb_change_head, 2, true, true},
    {BPF_FUNC_skb_change_proto, 2, true, true},
    {BPF_FUNC_skb_change_type, 2, true, false},
    {BPF_FUNC_skb_adjust_room, 2, true, true},
    {BPF_FUNC_get_cgroup_classid, 2, false, false},
    {BPF_FUNC_get_route_realm, 2, true, false},
    {BPF_FUNC_get_socket_uid, 6, false, false},
};

/* An ANYTHING argument: mostly small values (offsets, lengths, flags). */
static void arg_anything(struct gen *g, struct gstate *s, int reg)
{
    int k = (int)grand(g, 10);
    if (k < 6) {
        emit_mov_imm(g, reg, (int32_t)grange(g, -4, 64));
    } else if (k < 8) {
        int sr = pick_reg(g, s, GK_SCALAR, false);
        if (sr >= 0)
            emit_mov_reg(g, reg, sr);
        else
            emit_mov_imm(g, reg, (int32_t)grand(g, 16));
    } else {
        emit_mov_imm(g, reg, (int32_t)grng_next(&g->rng));
    }
}

static void blk_helper(struct gen *g, struct gstate *s)
{
    const struct ghelper *h = NULL;
    for (int tries = 0; tries < 16 && !h; tries++) {
        const struct ghelper *c = &ghelpers[grand(g, sizeof ghelpers / sizeof ghelpers[0])];
        if ((c->types & type_bit(g)) && (!g->det || c->det) && helper_proto(c->id))
            h = c;
    }
    if (!h)
        return;
    const struct helper_proto *pr = helper_proto(h->id);
    /* arguments are set from registers other than r1-r5, so first make the
     * memory they point to */
    int memoff[5] = {0}, memsz[5] = {0};
    for (int a = 0; a < 5; a++) {
        enum helper_arg k = pr->args[a];
        if (k == HELPER_ARG_CTX && g->ctx_reg < 0)
            return;
        if (k == HELPER_ARG_MEM || k == HELPER_ARG_MEM_OR_NULL || k == HELPER_ARG_MEM_OUT) {
            int n = (int)grange(g, 1, 40);
            if (k == HELPER_ARG_MEM_OR_NULL && gchance(g, 30)) {
                memoff[a] = 0; /* NULL, size 0 */
                memsz[a] = 0;
                continue;
            }
            int off = k == HELPER_ARG_MEM_OUT && !g->det ? stack_area(g, s, n, true)
                                                         : stack_init_area(g, s, n);
            if (!off)
                return;
            memoff[a] = off;
            memsz[a] = n;
        }
        if (k != HELPER_ARG_NONE && k != HELPER_ARG_CTX && k != HELPER_ARG_ANYTHING &&
            k != HELPER_ARG_MEM && k != HELPER_ARG_MEM_OR_NULL && k != HELPER_ARG_MEM_OUT &&
            k != HELPER_ARG_SIZE && k != HELPER_ARG_SIZE_OR_ZERO)
            return;
    }
    for (int a = 0; a < 5; a++) {
        int reg = a + 1;
        switch (pr->args[a]) {
        case HELPER_ARG_CTX: emit_mov_reg(g, reg, g->ctx_reg); break;
        case HELPER_ARG_ANYTHING: arg_anything(g, s, reg); break;
        case HELPER_ARG_MEM:
        case HELPER_ARG_MEM_OUT:
        case HELPER_ARG_MEM_OR_NULL:
            if (!memsz[a]) {
                emit_mov_imm(g, reg, 0);
            } else {
                emit_mov_reg(g, reg, 10);
                emit_add_imm(g, reg, memoff[a]);
            }
            break;
        case HELPER_ARG_SIZE:
        case HELPER_ARG_SIZE_OR_ZERO: {
            int n = a > 0 ? memsz[a - 1] : 0;
            int v = pr->args[a] == HELPER_ARG_SIZE ? (n ? (int)grange(g, 1, n) : 1)
                                                   : (int)grange(g, 0, n);
            uint32_t at = emit_mov_imm(g, reg, v);
            gen_site(g, GS_SIZE, at, 0, v, n);
            break;
        }
        default: break;
        }
    }
    emit_call(g, h->id);
    clobber_args(s);
    if (pr->ret == HELPER_RET_VOID || h->id == BPF_FUNC_set_hash_invalid)
        reg_none(&s->r[0]);
    else
        reg_scalar(&s->r[0], false, 0, 0);
    for (int a = 0; a < 5; a++)
        if (pr->args[a] == HELPER_ARG_MEM_OUT && memsz[a])
            stack_write_scalar(s, memoff[a], memsz[a]);
    if (h->pkt)
        invalidate_pkt(s);
    shape(g, "h");
}

static void blk_spill(struct gen *g, struct gstate *s)
{
    int r = pick_reg(g, s, -1, true);
    if (r < 0)
        return;
    if (gchance(g, 40)) {
        /* fill a whole spilled slot */
        for (int tries = 0; tries < 16; tries++) {
            int j = (int)grand(g, GEN_STACK / 8);
            int off = j * 8 - GEN_STACK;
            if (off < g->stack_floor || s->spill[j].k == GK_NONE)
                continue;
            int d = pick_dst(g, s, -1, -1);
            uint32_t at = emit_ldx(g, 8, d, 10, (int16_t)off);
            gen_site(g, GS_STACK, at, 0, 0, 0);
            s->r[d] = s->spill[j];
            shape(g, "f");
            return;
        }
    }
    int off = stack_area(g, s, 8, true);
    if (!off || r == g->ctx_reg)
        return;
    if (s->r[r].k == GK_CTX && g->priv != KBPF_PRIV_ROOT)
        return;
    uint32_t at = emit_stx(g, 8, 10, r, (int16_t)off);
    gen_site(g, GS_STACK, at, 0, 0, 0);
    stack_spill(s, off, &s->r[r]);
    shape(g, "s");
}

static void blk_stack_rw(struct gen *g, struct gstate *s)
{
    unsigned size = rand_size(g);
    if (gchance(g, 50)) {
        /* read initialised scalar bytes (root may read uninitialised ones) */
        for (int tries = 0; tries < 16; tries++) {
            int off = stack_area(g, s, 8, false) + (int)(grand(g, 8 / size) * size);
            if (!off)
                continue;
            bool ok = stack_all(s, off, (int)size, SB_SCALAR);
            if (!ok && g->priv == KBPF_PRIV_ROOT && !g->det && gchance(g, 10) &&
                stack_all(s, off, (int)size, SB_UNINIT))
                ok = true;
            if (!ok)
                continue;
            int d = pick_dst(g, s, -1, -1);
            uint32_t at = emit_ldx(g, size, d, 10, (int16_t)off);
            gen_site(g, GS_STACK, at, 0, 0, 0);
            reg_scalar(&s->r[d], size < 8, 0, size < 8 ? (1ull << (8 * size)) - 1 : 0);
            if (size == 8 && s->spill[slot_of(off)].k == GK_SCALAR)
                s->r[d] = s->spill[slot_of(off)];
            shape(g, "r");
            return;
        }
    }
    int off = stack_area(g, s, 8, true);
    if (!off)
        return;
    off += (int)(grand(g, 8 / size) * size);
    uint32_t at;
    if (gchance(g, 50)) {
        at = emit_st(g, size, 10, (int16_t)off, (int32_t)grange(g, -300, 300));
        stack_write_scalar(s, off, (int)size);
        if (size == 8) {
            struct greg c;
            reg_const(&c, (uint64_t)(int64_t)g->code[at].imm);
            stack_spill(s, off, &c);
        }
    } else {
        int src = get_scalar(g, s, true, -1);
        at = emit_stx(g, size, 10, src, (int16_t)off);
        stack_write_scalar(s, off, (int)size);
        if (size == 8)
            stack_spill(s, off, &s->r[src]);
    }
    gen_site(g, GS_STACK, at, 0, 0, 0);
    gen_site(g, GS_INIT, at, 0, 0, 0);
    shape(g, "t");
}

static void blk_stack_atomic(struct gen *g, struct gstate *s)
{
    unsigned size = gchance(g, 50) ? 4 : 8;
    int off = stack_init_area(g, s, 8);
    if (!off)
        return;
    if (size == 4 && gchance(g, 50))
        off += 4;
    struct greg fp;
    reg_none(&fp);
    fp.k = GK_STACK;
    /* through r10 directly */
    static const int ops[] = {BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH,
                              BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG};
    int op = ops[grand(g, 8)];
    int src = get_scalar(g, s, true, 0);
    if (src == 0)
        return;
    if (op == BPF_CMPXCHG && s->r[0].k != GK_SCALAR) {
        emit_mov_imm(g, 0, (int32_t)grand(g, 300));
        reg_const(&s->r[0], 0);
    }
    uint32_t at = gen_emit(g, GI(BPF_STX | BPF_ATOMIC | size_code(size), 10, src, off, op));
    gen_site(g, GS_STACK, at, 0, 0, 0);
    stack_write_scalar(s, off, (int)size);
    if (op & BPF_FETCH)
        reg_scalar(&s->r[op == BPF_CMPXCHG ? 0 : src], size == 4, 0, UINT32_MAX);
    shape(g, "x");
}

/* Scalar branch: if/else or if-then, both sides get nested blocks. */
static void blk_branch(struct gen *g, struct gstate *s)
{
    static const int jops[] = {BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE, BPF_JSGT,
                               BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET};
    int r = pick_reg(g, s, GK_SCALAR, true);
    if (r < 0)
        return;
    int op = jops[grand(g, sizeof jops / sizeof jops[0])];
    bool j32 = gchance(g, 30);
    int cls = j32 ? BPF_JMP32 : BPF_JMP;
    uint32_t at;
    int sr = gchance(g, 30) ? pick_reg(g, s, GK_SCALAR, true) : -1;
    int32_t imm = 0;
    if (sr >= 0) {
        at = gen_emit(g, GI(cls | op | BPF_X, r, sr, 0, 0));
    } else {
        struct greg *rr = &s->r[r];
        if (rr->bounded && gchance(g, 70))
            imm = (int32_t)(rr->lo + grand(g, rr->hi - rr->lo + 1 > 0 ? rr->hi - rr->lo + 1 : 1));
        else
            imm = (int32_t)grange(g, -16, 300);
        at = gen_emit(g, GI(cls | op | BPF_K, r, 0, 0, imm));
    }
    gen_site(g, GS_BRANCH, at, 0, 0, 0);
    struct gstate fall = *s, taken = *s;
    /* refine the simple unsigned cases on the fall-through: not (r op imm) */
    if (sr < 0 && !j32 && imm >= 0) {
        struct greg *f = &fall.r[r];
        uint64_t k = (uint64_t)imm;
        if (op == BPF_JGT) {
            uint64_t lo = f->bounded ? f->lo : 0, hi = f->bounded && f->hi < k ? f->hi : k;
            if (lo <= hi)
                reg_scalar(f, true, lo, hi);
        } else if (op == BPF_JGE && k > 0) {
            uint64_t lo = f->bounded ? f->lo : 0, hi = f->bounded && f->hi < k - 1 ? f->hi : k - 1;
            if (lo <= hi)
                reg_scalar(f, true, lo, hi);
        }
    }
    g->depth++;
    gen_body(g, &fall, 1 + (int)grand(g, 2));
    if (gchance(g, 50)) {
        uint32_t ja = gen_emit(g, GI(BPF_JMP | BPF_JA, 0, 0, 0, 0));
        patch_here(g, at);
        gen_body(g, &taken, 1 + (int)grand(g, 2));
        patch_here(g, ja);
    } else {
        patch_here(g, at);
    }
    g->depth--;
    join_state(s, &fall, &taken);
    shape(g, "b");
}

static void blk_loop(struct gen *g, struct gstate *s)
{
    int c = pick_saved(g, s, -1, -1);
    int n = (int)grange(g, 1, 12);
    bool down = gchance(g, 30);
    emit_mov_imm(g, c, down ? n : 0);
    uint32_t head = g->len;
    struct gstate body = *s;
    reg_scalar(&body.r[c], true, 0, (uint64_t)n);
    /* body: scalar ALU on other registers, stack writes */
    int nb = 1 + (int)grand(g, 4);
    for (int i = 0; i < nb; i++) {
        int d = pick_reg(g, &body, GK_SCALAR, true);
        if (d >= 0 && d != c && gchance(g, 60)) {
            gen_emit(g, GI(BPF_ALU64 | (gchance(g, 50) ? BPF_ADD : BPF_XOR) | BPF_K, d, 0, 0,
                           (int32_t)grand(g, 100)));
            reg_scalar(&body.r[d], false, 0, 0);
        } else {
            int off = stack_area(g, &body, 8, true);
            if (off) {
                uint32_t at = emit_st(g, 8, 10, (int16_t)off, (int32_t)grand(g, 1000));
                gen_site(g, GS_STACK, at, 0, 0, 0);
                stack_write_scalar(&body, off, 8);
            }
        }
    }
    uint32_t inc, back;
    if (down) {
        inc = gen_emit(g, GI(BPF_ALU64 | BPF_SUB | BPF_K, c, 0, 0, 1));
        back = gen_emit(g, GI(BPF_JMP | (gchance(g, 50) ? BPF_JNE : BPF_JSGT) | BPF_K, c, 0, 0, 0));
    } else {
        inc = emit_add_imm(g, c, 1);
        back = gen_emit(g, GI((gchance(g, 30) ? BPF_JMP32 : BPF_JMP) | BPF_JLT | BPF_K, c, 0, 0, n));
    }
    g->code[back].off = (int16_t)((int32_t)head - (int32_t)back - 1);
    gen_site(g, GS_LOOP, inc, back, n, 0);
    /* after: registers changed in the body are unknown scalars */
    for (int i = 0; i < 10; i++)
        if (memcmp(&body.r[i], &s->r[i], sizeof(struct greg)) != 0)
            reg_scalar(&body.r[i], false, 0, 0);
    reg_const(&body.r[c], down ? 0 : (uint64_t)n);
    join_state(s, &body, &body);
    shape(g, "O");
}

static void blk_ldabs(struct gen *g, struct gstate *s)
{
    if (!g->allow_ldabs || g->ctx_reg != 6)
        return;
    unsigned size = (unsigned[]){1, 2, 4}[grand(g, 3)];
    int32_t k = gchance(g, 85) ? (int32_t)grand(g, 64) : (int32_t)grand(g, 2000);
    uint32_t at;
    if (gchance(g, 30)) {
        int sr = pick_reg(g, s, GK_SCALAR, false);
        if (sr < 0)
            return;
        at = gen_emit(g, GI(BPF_LD | BPF_IND | size_code(size), 0, sr, 0, k));
    } else {
        at = gen_emit(g, GI(BPF_LD | BPF_ABS | size_code(size), 0, 0, 0, k));
    }
    gen_site(g, GS_ACCESS, at, 0, 0, GK_PKT);
    clobber_args(s);
    reg_scalar(&s->r[0], true, 0, size == 4 ? UINT32_MAX : (1ull << (8 * size)) - 1);
    shape(g, "A");
}

static void blk_tail_call(struct gen *g, struct gstate *s)
{
    static const uint32_t pt[] = {BPF_MAP_TYPE_PROG_ARRAY};
    int m = pick_map(g, pt, 1);
    if (m < 0 || g->fn >= 0 || g->ctx_reg < 0)
        return;
    emit_mov_reg(g, 1, g->ctx_reg);
    emit_map_ptr(g, 2, m);
    emit_mov_imm(g, 3, (int32_t)grand(g, 6));
    emit_call(g, BPF_FUNC_tail_call);
    clobber_args(s);
    reg_none(&s->r[0]); /* RET_VOID: r0 is not initialised */
    shape(g, "T");
}

static void blk_call(struct gen *g, struct gstate *s)
{
    if (!g->allow_calls || g->n_subs == 0 || g->n_calls >= GEN_MAX_CALLS)
        return;
    int sub = (int)grand(g, g->n_subs);
    if (sub <= g->fn)
        return;
    struct gsub *sb = &g->subs[sub];
    int areas[5] = {0};
    for (int a = 0; a < sb->nargs; a++) {
        if (sb->argk[a] == GK_CTX && g->ctx_reg < 0)
            return;
        if (sb->argk[a] == GK_MEM) {
            areas[a] = stack_init_area(g, s, sb->argsz[a]);
            if (!areas[a])
                return;
        }
    }
    for (int a = 0; a < sb->nargs; a++) {
        int reg = a + 1;
        if (sb->argk[a] == GK_CTX)
            emit_mov_reg(g, reg, g->ctx_reg);
        else if (sb->argk[a] == GK_MEM) {
            emit_mov_reg(g, reg, 10);
            emit_add_imm(g, reg, areas[a]);
        } else
            arg_anything(g, s, reg);
    }
    uint32_t at = gen_emit(g, GI(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, -1));
    g->calls[g->n_calls].at = at;
    g->calls[g->n_calls].sub = sub;
    g->n_calls++;
    sb->called = true;
    clobber_args(s);
    reg_scalar(&s->r[0], false, 0, 0);
    /* a callee that may change packet data invalidates the caller's packet
     * pointers (the model does not look into the callee) */
    invalidate_pkt(s);
    shape(g, "C");
}

enum blk {
    B_ALU, B_PTR, B_CTX_R, B_CTX_W, B_PKT, B_LOOKUP, B_UPDATE, B_DELETE, B_QUEUE, B_RINGBUF,
    B_HELPER, B_LOOP, B_CALL, B_SPILL, B_STACK, B_ATOMIC, B_BRANCH, B_LDABS, B_TAIL, B_N
};

static void one_block(struct gen *g, struct gstate *s)
{
    static const uint8_t w[B_N] = {
        [B_ALU] = 22, [B_PTR] = 3, [B_CTX_R] = 8, [B_CTX_W] = 3, [B_PKT] = 16, [B_LOOKUP] = 14,
        [B_UPDATE] = 5, [B_DELETE] = 2, [B_QUEUE] = 3, [B_RINGBUF] = 3, [B_HELPER] = 8,
        [B_LOOP] = 4, [B_CALL] = 6, [B_SPILL] = 6, [B_STACK] = 6, [B_ATOMIC] = 3,
        [B_BRANCH] = 10, [B_LDABS] = 3, [B_TAIL] = 1,
    };
    unsigned total = 0;
    for (int i = 0; i < B_N; i++)
        total += w[i];
    unsigned r = (unsigned)grand(g, total);
    int b = 0;
    while (r >= w[b]) {
        r -= w[b];
        b++;
    }
    switch (b) {
    case B_ALU: blk_alu(g, s); break;
    case B_PTR: blk_ptr_arith(g, s); break;
    case B_CTX_R: blk_ctx_read(g, s); break;
    case B_CTX_W: blk_ctx_write(g, s); break;
    case B_PKT: blk_pkt(g, s); break;
    case B_LOOKUP: blk_map_lookup(g, s); break;
    case B_UPDATE: blk_map_update(g, s, false); break;
    case B_DELETE: blk_map_update(g, s, true); break;
    case B_QUEUE: blk_queue(g, s); break;
    case B_RINGBUF: if (g->depth < 2) blk_ringbuf(g, s); break;
    case B_HELPER: blk_helper(g, s); break;
    case B_LOOP:
        if (g->allow_loops && !g->in_loop && g->depth == 0)
            blk_loop(g, s);
        break;
    case B_CALL: blk_call(g, s); break;
    case B_SPILL: blk_spill(g, s); break;
    case B_STACK: blk_stack_rw(g, s); break;
    case B_ATOMIC: blk_stack_atomic(g, s); break;
    case B_BRANCH: if (g->depth < 3) blk_branch(g, s); break;
    case B_LDABS: blk_ldabs(g, s); break;
    case B_TAIL: blk_tail_call(g, s); break;
    }
}

static void gen_body(struct gen *g, struct gstate *s, int nblocks)
{
    for (int i = 0; i < nblocks && g->len < g->limit && !g->oom; i++)
        one_block(g, s);
}

/* r0 = a valid return value for the program type, then exit. */
static void emit_return(struct gen *g, struct gstate *s, bool main_fn)
{
    uint32_t at;
    int sr = pick_reg(g, s, GK_SCALAR, true);
    if (main_fn) {
        int32_t v;
        if (is_xdp(g))
            v = (int32_t)grand(g, 5);
        else if (is_tc(g))
            v = (int32_t)((int32_t[]){0, 0, 2, 2, -1, 1, 3, 7})[grand(g, 8)];
        else
            v = gchance(g, 50) ? 0 : (int32_t)grand(g, 128);
        if (sr >= 0 && gchance(g, 25)) {
            at = emit_mov_reg(g, 0, sr);
            gen_emit(g, GI(BPF_ALU64 | BPF_AND | BPF_K, 0, 0, 0, is_xdp(g) ? 3 : 7));
        } else {
            at = emit_mov_imm(g, 0, v);
        }
    } else if (sr >= 0 && gchance(g, 60)) {
        at = emit_mov_reg(g, 0, sr);
    } else {
        at = emit_mov_imm(g, 0, (int32_t)grand(g, 100));
    }
    gen_site(g, GS_RET, at, 0, 0, 0);
    gen_emit(g, GI(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

static void state_init(struct gstate *s)
{
    memset(s, 0, sizeof(*s));
    s->r[10].k = GK_STACK;
}

static void gen_function(struct gen *g, int fn)
{
    struct gstate s;
    state_init(&s);
    g->fn = fn;
    g->depth = 0;
    g->in_loop = false;
    g->ctx_reg = -1;
    if (fn < 0) {
        g->stack_floor = g->allow_calls ? -256 : -512;
        s.r[1].k = GK_CTX;
        emit_mov_reg(g, 6, 1);
        s.r[6].k = GK_CTX;
        g->ctx_reg = 6;
        reg_none(&s.r[1]); /* still ctx to the kernel: never used as one */
    } else {
        struct gsub *sb = &g->subs[fn];
        g->stack_floor = -128;
        for (int a = 0; a < sb->nargs; a++) {
            struct greg *r = &s.r[a + 1];
            if (sb->argk[a] == GK_CTX) {
                r->k = GK_CTX;
            } else if (sb->argk[a] == GK_MEM) {
                r->k = GK_MEM;
                r->size = sb->argsz[a];
            } else {
                reg_scalar(r, false, 0, 0);
            }
        }
        for (int a = 0; a < sb->nargs; a++)
            if (sb->argk[a] == GK_CTX) {
                emit_mov_reg(g, 6, a + 1);
                s.r[6].k = GK_CTX;
                g->ctx_reg = 6;
                reg_none(&s.r[a + 1]);
                break;
            }
        /* use the memory arguments */
        for (int a = 0; a < sb->nargs; a++)
            if (sb->argk[a] == GK_MEM) {
                int v = a + 1;
                if (gchance(g, 50)) {
                    int c = pick_saved(g, &s, -1, -1);
                    emit_mov_reg(g, c, v);
                    s.r[c] = s.r[v];
                    v = c;
                }
                mem_access(g, &s, v, s.r[v].size, true, false, GK_MEM);
            }
    }
    uint32_t saved = g->limit;
    if (fn >= 0)
        g->limit = g->len + g->subs[fn].budget;
    while (g->len < g->limit && !g->oom)
        one_block(g, &s);
    g->limit = saved;
    emit_return(g, &s, fn < 0);
}

/* ---------------------------------------------------------------- driver */

static void choose_maps(struct gen *g)
{
    struct gen_program *p = g->p;
    int n = 1 + (int)grand(g, 3);
    static const uint32_t vsz[] = {4, 8, 8, 16, 16, 24, 32, 48, 64, 128};
    for (int i = 0; i < n && p->n_maps < GEN_MAX_MAPS; i++) {
        struct gen_map *m = &p->maps[p->n_maps];
        int k = (int)grand(g, 20);
        memset(m, 0, sizeof(*m));
        m->value_size = vsz[grand(g, sizeof vsz / sizeof vsz[0])];
        if (k < 7) {
            m->type = BPF_MAP_TYPE_ARRAY;
            m->key_size = 4;
            m->max_entries = (uint32_t)grange(g, 1, 16);
        } else if (k < 12) {
            m->type = BPF_MAP_TYPE_HASH;
            m->key_size = (uint32_t)((int[]){4, 8, 8, 16, 6})[grand(g, 5)];
            m->max_entries = (uint32_t)grange(g, 8, 64);
            if (gchance(g, 20))
                m->flags = BPF_F_NO_PREALLOC;
        } else if (k < 14) {
            m->type = BPF_MAP_TYPE_PERCPU_ARRAY;
            m->key_size = 4;
            m->max_entries = (uint32_t)grange(g, 1, 8);
        } else if (k < 15) {
            m->type = BPF_MAP_TYPE_PERCPU_HASH;
            m->key_size = 8;
            m->max_entries = 32;
        } else if (k < 16) {
            m->type = g->det ? BPF_MAP_TYPE_HASH : BPF_MAP_TYPE_LRU_HASH;
            m->key_size = 4;
            m->max_entries = 64;
        } else if (k < 17) {
            m->type = gchance(g, 50) ? BPF_MAP_TYPE_QUEUE : BPF_MAP_TYPE_STACK;
            m->key_size = 0;
            m->value_size = (uint32_t)((int[]){4, 8, 16})[grand(g, 3)];
            m->max_entries = 8;
        } else if (k < 19) {
            m->type = BPF_MAP_TYPE_RINGBUF;
            m->key_size = 0;
            m->value_size = 0;
            m->max_entries = 4096;
        } else {
            m->type = BPF_MAP_TYPE_PROG_ARRAY;
            m->key_size = 4;
            m->value_size = 4;
            m->max_entries = 4;
        }
        /* unprivileged loaders may not create these (CAP_BPF) */
        if (g->priv == KBPF_PRIV_UNPRIV &&
            (m->type == BPF_MAP_TYPE_LRU_HASH || m->type == BPF_MAP_TYPE_QUEUE ||
             m->type == BPF_MAP_TYPE_STACK)) {
            m->type = BPF_MAP_TYPE_HASH;
            m->key_size = 4;
            if (!m->value_size)
                m->value_size = 8;
        }
        p->n_maps++;
    }
}

int gen_program(uint64_t seed, const struct gen_opts *o, struct gen_program *out)
{
    static const struct gen_opts defaults = {0};
    if (!o)
        o = &defaults;
    memset(out, 0, sizeof(*out));
    struct gen *g = calloc(1, sizeof(*g));
    if (!g)
        return -ENOMEM;
    grng_seed(&g->rng, seed);
    g->o = o;
    g->p = out;
    g->priv = o->priv;
    g->det = o->deterministic;
    out->seed = seed;
    out->priv = o->priv;
    if (o->prog_type)
        g->prog_type = o->prog_type;
    else if (o->priv == KBPF_PRIV_UNPRIV)
        g->prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    else {
        static const uint32_t types[] = {BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_XDP,
                                         BPF_PROG_TYPE_SCHED_CLS, BPF_PROG_TYPE_SCHED_CLS,
                                         BPF_PROG_TYPE_SOCKET_FILTER};
        g->prog_type = types[grand(g, 5)];
    }
    out->prog_type = g->prog_type;
    uint32_t max = o->max_insns ? o->max_insns : 160;
    if (max < 8)
        max = 8;
    g->limit = (uint32_t)grange(g, 6, (int64_t)max * 2 / 3);
    choose_maps(g);
    g->allow_calls = o->priv != KBPF_PRIV_UNPRIV && gchance(g, 35);
    g->allow_loops = o->priv == KBPF_PRIV_ROOT;
    g->allow_ldabs = !g->allow_calls && !is_xdp(g);
    if (g->allow_calls) {
        g->n_subs = 1 + (uint32_t)grand(g, GEN_MAX_SUBS);
        for (uint32_t i = 0; i < g->n_subs; i++) {
            struct gsub *sb = &g->subs[i];
            sb->nargs = (uint8_t)grand(g, 4);
            for (int a = 0; a < sb->nargs; a++) {
                int k = (int)grand(g, 10);
                sb->argk[a] = k < 5 ? GK_SCALAR : k < 7 ? GK_CTX : GK_MEM;
                sb->argsz[a] = (int32_t)(8 * grange(g, 1, 4));
            }
            sb->budget = (uint32_t)grange(g, 3, 30);
        }
    }
    gen_function(g, -1);
    /* subprograms that were called, in order (sub i calls only j > i) */
    for (uint32_t i = 0; i < g->n_subs && !g->oom; i++) {
        if (!g->subs[i].called)
            continue;
        g->subs[i].start = g->len;
        g->subs[i].emitted = true;
        gen_function(g, (int)i);
    }
    for (uint32_t c = 0; c < g->n_calls; c++) {
        struct gsub *sb = &g->subs[g->calls[c].sub];
        g->code[g->calls[c].at].imm = (int32_t)sb->start - (int32_t)g->calls[c].at - 1;
    }
    int rc = 0;
    if (g->oom) {
        rc = -ENOMEM;
        goto out;
    }
    snprintf(out->shape, sizeof out->shape, "%s", g->shape);
    int pct = o->mutate_pct < 0 ? 30 : o->mutate_pct;
    if (gchance(g, (unsigned)pct))
        gen_mutate(g, out->mutation, sizeof out->mutation);
    rc = vm_prog_from_bytes(g->code, (size_t)g->len * 8, "gen", &out->prog, NULL, 0);
    if (!rc)
        snprintf(out->prog->name, sizeof out->prog->name, "gen_%016llx", (unsigned long long)seed);
out:
    free(g->code);
    free(g);
    return rc;
}

void gen_program_free(struct gen_program *p)
{
    if (!p)
        return;
    vm_prog_free(p->prog);
    p->prog = NULL;
}

int gen_program_copy(const struct gen_program *p, struct gen_program *out)
{
    *out = *p;
    out->prog = NULL;
    return vm_prog_from_bytes(p->prog->insns, (size_t)p->prog->len * 8, p->prog->name, &out->prog,
                              NULL, 0);
}

const char *gen_prog_type_name(uint32_t t)
{
    switch (t) {
    case BPF_PROG_TYPE_XDP: return "xdp";
    case BPF_PROG_TYPE_SCHED_CLS: return "tc";
    case BPF_PROG_TYPE_SCHED_ACT: return "sched_act";
    case BPF_PROG_TYPE_SOCKET_FILTER: return "socket";
    case BPF_PROG_TYPE_CGROUP_SKB: return "cgroup_skb";
    default: return "?";
    }
}

uint32_t gen_prog_type_parse(const char *n)
{
    if (!strcmp(n, "xdp"))
        return BPF_PROG_TYPE_XDP;
    if (!strcmp(n, "tc") || !strcmp(n, "sched_cls") || !strcmp(n, "classifier"))
        return BPF_PROG_TYPE_SCHED_CLS;
    if (!strcmp(n, "socket") || !strcmp(n, "socket_filter"))
        return BPF_PROG_TYPE_SOCKET_FILTER;
    if (!strcmp(n, "sched_act") || !strcmp(n, "action"))
        return BPF_PROG_TYPE_SCHED_ACT;
    if (!strcmp(n, "cgroup_skb"))
        return BPF_PROG_TYPE_CGROUP_SKB;
    return 0;
}
