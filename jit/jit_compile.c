/* jit/jit_compile.c - eBPF -> x86-64 translation (register map, frame and
 * cache layout: jit/jit_int.h).
 *
 * One pass emits the entry code, every instruction in program order (its
 * native code starts at insn_off[slot]), the out-of-line stubs (cold paths:
 * slow-path calls, faults) and the shared exit code. Passes repeat, jumps
 * shrinking to rel8 where the previous pass shows they fit, until the size
 * stops changing (distances only shrink, so a short jump stays valid).
 *
 * Counting: a basic block (leader: entry, jump and call targets, callback
 * addresses, what follows a jump, call or exit) adds its instruction count
 * to r12 when it starts; a fault in the middle subtracts what the block did
 * not execute. Blocks end at every jump and call, so the count is exact
 * where the interpreter checks its budget (taken jumps, after helpers).
 *
 * Checked accesses: a load/store/atomic based on r10 with a constant
 * offset inside one 512-byte frame below it is always inside run->stack
 * (r10 is a frame top, depth < 8) and needs no check, unless the program
 * writes r10 somewhere; any other access compares its address with the
 * site's region cache entry inline (5 instructions) and goes out of line
 * on a miss. */
#include "jit/jit_int.h"
#include "jit/x86.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

/* eBPF register -> x86-64 register */
static const uint8_t R[11] = {RAX, RDI, RSI, RDX, RCX, R8, RBX, R13, R14, R15, RBP};
#define RUNR R9  /* struct vm_run * */
#define CNT R12  /* instructions executed */

#define OFF_RUN(f) ((int32_t)offsetof(struct vm_run, f))
#define CACHE(f) ((int32_t)(JIT_CACHE_OFF + offsetof(struct jit_cache, f)))

enum stub_kind { ST_FAULT, ST_FAULT_REG, ST_ACCESS, ST_ONCALL, ST_STOPPED, ST_TAKEN, ST_CALL };

enum mem_kind { MK_LOAD, MK_LOADSX, MK_STORE_IMM, MK_STORE_REG, MK_ATOMIC };

/* how a checked access site checks its address inline (provenance of its
 * base register, see provenance()) */
enum check_kind {
    CK_PLAIN,   /* one region (or element): packet pointers, global data */
    CK_POOL,    /* a region or a whole value pool: helper results, unknown */
    CK_STACK,   /* a copy of r10: the stack bounds */
    CK_CTX,     /* a 4-byte load from the context: its ctx field entry first */
    CK_VALUE,   /* inside a value an inlined lookup returned: no check while
                   JF_INLINE holds (else as CK_POOL) */
};

/* what a register holds, known from an inlined lookup: its result (index
 * into jc.inlined) plus off, not NULL once tested */
struct vstate {
    int16_t d;   /* -1: nothing known */
    bool nonnull;
    int32_t off;
};

struct stub {
    enum stub_kind kind;
    uint32_t label;
    uint32_t pc;
    uint32_t after;        /* count correction */
    uint32_t fkind;        /* ST_FAULT(_REG) */
    uint64_t arg;          /* ST_FAULT: argument; ST_ONCALL: helper id */
    int reg;               /* ST_FAULT_REG: holds the argument; ST_ONCALL: dynamic id */
    uint32_t l_back;       /* ST_ONCALL: where to continue; ST_TAKEN: jump target */
    /* ST_ACCESS */
    uint32_t l_access, l_next, l_c;
    enum mem_kind mk;
    uint8_t size, slot, ck;
    int8_t ctxent;
    int dst, base, src;
    int16_t off;
    int32_t imm;
    bool write;
};

#define UNSET UINT32_MAX

struct jc {
    const struct vm *vm;
    const struct vm_prog *prog;
    uint32_t len;
    bool checked, harden, bmi2, has_calls, r10_ro;
    /* trusted code of a verified program: its ctx loads and stores
     * (vm_get_ctx_insns), which go through the accessors as in checked code */
    const uint8_t *ctx_insns;
    struct xbuf b;
    /* analysis */
    uint8_t *leader;       /* len + 1 */
    uint8_t *target;       /* jump/call targets, callback addresses, slot 0 */
    uint32_t *loop_src;    /* per slot: the one conditional backward jump to it,
                              or UINT32_MAX (none or several) */
    uint32_t *loop_hdr;    /* its budget check's label (this pass) */
    uint8_t *site_ck, *site_slot; /* per slot: check kind and cache entry */
    int8_t *site_ctx;      /* ctx field entry, or -1 */
    uint32_t *blen;        /* instructions in the block a leader starts */
    uint32_t *after;       /* instructions after this one in its block */
    /* labels: 0..len program slots, then the fixed ones, then per pass */
    uint32_t nlabels, lcap;
    uint32_t *lpos, *lprev;
    uint32_t l_exit, l_exit_base, l_epilogue, l_fault;
    /* jump sites, numbered per pass in emission order */
    uint32_t njs, jscap, njs_prev;
    uint32_t *js_end, *js_prev;
    struct fix { uint32_t pos, end, label; uint8_t size; } *fix;
    uint32_t nfix, fixcap;
    struct stub *stubs;
    uint32_t nstubs, stubcap;
    uint32_t *insn_off;    /* len + 1 */
    uint32_t body_end, entry_len, tail_off;
    uint32_t used;         /* eBPF registers the program names (bit n: rn) */
    int saved[6], n_saved; /* callee-saved registers the entry code saves */
    int32_t frame;         /* bytes below them: JF_SIZE, or + 8 to align */
    unsigned site_rd, site_wr;
    struct jit_inlined inlined[16];
    uint32_t n_inlined;
    struct vstate vs[11];
    int inl_result;        /* the inlined lookup the call just emitted, or -1 */
    uint64_t seed, rng;
    int pass;
    int err;
};

/* ------------------------------------------------------------ labels ---- */

static uint32_t new_label(struct jc *c)
{
    if (c->nlabels == c->lcap) {
        uint32_t nc = c->lcap * 2;
        uint32_t *a = realloc(c->lpos, nc * sizeof(*a)), *p;
        if (!a) {
            c->err = -ENOMEM;
            return 0;
        }
        c->lpos = a;
        p = realloc(c->lprev, nc * sizeof(*p));
        if (!p) {
            c->err = -ENOMEM;
            return 0;
        }
        c->lprev = p;
        for (uint32_t i = c->lcap; i < nc; i++)
            c->lprev[i] = UNSET;
        c->lcap = nc;
    }
    c->lpos[c->nlabels] = UNSET;
    return c->nlabels++;
}

static void bind(struct jc *c, uint32_t label) { c->lpos[label] = (uint32_t)c->b.len; }

static void add_fix(struct jc *c, uint32_t pos, uint32_t end, uint32_t label, uint8_t size)
{
    if (c->nfix == c->fixcap) {
        uint32_t nc = c->fixcap ? c->fixcap * 2 : 256;
        struct fix *f = realloc(c->fix, nc * sizeof(*f));
        if (!f) {
            c->err = -ENOMEM;
            return;
        }
        c->fix = f;
        c->fixcap = nc;
    }
    c->fix[c->nfix++] = (struct fix){pos, end, label, size};
}

/* Can the jump site being emitted use rel8? Only when the previous pass
 * placed both it and its target close enough. */
static bool short_ok(struct jc *c, uint32_t label, uint32_t js)
{
    if (c->pass == 0 || js >= c->njs_prev || c->lprev[label] == UNSET)
        return false;
    int64_t d = (int64_t)c->lprev[label] - (int64_t)c->js_prev[js];
    return x_fits8(d);
}

static uint32_t js_next(struct jc *c)
{
    if (c->njs == c->jscap) {
        uint32_t nc = c->jscap ? c->jscap * 2 : 256;
        uint32_t *a = realloc(c->js_end, nc * sizeof(*a));
        if (!a) {
            c->err = -ENOMEM;
            return 0;
        }
        c->js_end = a;
        c->jscap = nc;
    }
    return c->njs++;
}

/* jmp / jcc to a label (cc < 0: unconditional) */
static void jump(struct jc *c, int cc, uint32_t label)
{
    uint32_t js = js_next(c);
    if (c->err)
        return;
    bool s = short_ok(c, label, js);
    if (s) {
        x_byte(&c->b, cc < 0 ? 0xeb : (uint8_t)(0x70 + cc));
        x_byte(&c->b, 0);
        add_fix(c, (uint32_t)c->b.len - 1, (uint32_t)c->b.len, label, 1);
    } else {
        if (cc < 0) {
            x_byte(&c->b, 0xe9);
        } else {
            x_byte(&c->b, 0x0f);
            x_byte(&c->b, (uint8_t)(0x80 + cc));
        }
        x_u32(&c->b, 0);
        add_fix(c, (uint32_t)c->b.len - 4, (uint32_t)c->b.len, label, 4);
    }
    c->js_end[js] = (uint32_t)c->b.len;
}

static void jmp(struct jc *c, uint32_t label) { jump(c, -1, label); }
static void jcc(struct jc *c, enum x86_cc cc, uint32_t label) { jump(c, (int)cc, label); }

/* lea reg, [rip + label] */
static void lea_label(struct jc *c, int reg, uint32_t label)
{
    x_op(&c->b, XF_W, 0x8d, 1, reg, XM(RBP, 0)); /* placeholder ModRM, fixed below */
    /* rewrite as RIP-relative: ModRM mod=00 rm=101, disp32 */
    c->b.len -= 2; /* ModRM + disp8 of [rbp+0] */
    x_byte(&c->b, (uint8_t)(((reg & 7) << 3) | 5));
    x_u32(&c->b, 0);
    add_fix(c, (uint32_t)c->b.len - 4, (uint32_t)c->b.len, label, 4);
}

/* ------------------------------------------------------------- stubs ---- */

static struct stub *add_stub(struct jc *c, enum stub_kind kind, uint32_t pc)
{
    if (c->nstubs == c->stubcap) {
        uint32_t nc = c->stubcap ? c->stubcap * 2 : 64;
        struct stub *s = realloc(c->stubs, nc * sizeof(*s));
        if (!s) {
            c->err = -ENOMEM;
            return NULL;
        }
        c->stubs = s;
        c->stubcap = nc;
    }
    struct stub *s = &c->stubs[c->nstubs++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->pc = pc;
    s->label = new_label(c);
    s->reg = -1;
    return s;
}

/* a fault stub for insn pc; returns its label */
static uint32_t fault_stub(struct jc *c, uint32_t pc, enum jit_fault kind, uint64_t arg)
{
    struct stub *s = add_stub(c, ST_FAULT, pc);
    if (!s)
        return 0;
    s->fkind = kind;
    s->arg = arg;
    s->after = c->after[pc];
    return s->label;
}

/* -------------------------------------------------------- small helpers ---- */

static uint32_t rand32(struct jc *c)
{
    c->rng ^= c->rng << 13;
    c->rng ^= c->rng >> 7;
    c->rng ^= c->rng << 17;
    return (uint32_t)(c->rng >> 16);
}

/* reg = (int64)imm, blinded when hardening (imm ^ r, then ^ r) */
static void load_imm32(struct jc *c, int reg, int32_t imm)
{
    if (!c->harden) {
        x_mov_imm64(&c->b, reg, (uint64_t)(int64_t)imm);
        return;
    }
    int32_t key = (int32_t)rand32(c);
    x_mov_imm64(&c->b, reg, (uint64_t)(int64_t)(imm ^ key));
    x_alu_ri(&c->b, true, XA_XOR, reg, key);
}

static void load_imm64(struct jc *c, int reg, uint64_t v)
{
    if (!c->harden) {
        x_mov_imm64(&c->b, reg, v);
        return;
    }
    uint64_t key = ((uint64_t)rand32(c) << 32) | rand32(c);
    x_movabs(&c->b, reg, v ^ key);
    x_movabs(&c->b, R11, key);
    x_alu_rr(&c->b, true, XA_XOR, reg, R11);
}

static void budget_check(struct jc *c, uint32_t pc)
{
    x_alu_rm(&c->b, true, XA_CMP, CNT, XM(RSP, JF_BUDGET));
    jcc(c, CC_AE, fault_stub(c, pc, JIT_F_BUDGET, 0));
}

static int log2sz(unsigned size) { return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3; }

/* ---------------------------------------------------------------- ALU ---- */

static void emit_div(struct jc *c, const struct bpf_insn *in, bool w, bool mod, bool sgn)
{
    struct xbuf *b = &c->b;
    int d = R[in->dst_reg];
    bool x = BPF_SRC(in->code) == BPF_X;
    uint32_t l_done = new_label(c), l_zero = new_label(c), l_m1 = new_label(c);
    bool chk_zero = true, chk_m1 = sgn;
    if (!x) {
        int32_t imm = in->imm;
        uint64_t s = w ? (uint64_t)(int64_t)imm : (uint32_t)imm;
        /* constants are settled here: the divisor is never 0 or -1 below */
        if (s == 0 || (sgn && (w ? (int64_t)s == -1 : (int32_t)s == -1))) {
            if (s == 0) {
                if (!mod)
                    x_alu_rr(b, false, XA_XOR, d, d);
                else if (!w)
                    x_mov_rr(b, false, d, d);
            } else if (!mod) {
                x_f7(b, w, 3, d); /* neg */
            } else {
                x_alu_rr(b, false, XA_XOR, d, d);
            }
            return;
        }
        if (!sgn && !c->harden && (s & (s - 1)) == 0) { /* power of two */
            int k = __builtin_ctzll(s);
            if (mod)
                x_alu_ri(b, w, XA_AND, d, (int32_t)(s - 1));
            else if (k)
                x_shift_ri(b, w ? XF_W : 0, 5, d, (uint8_t)k);
            else if (!w)
                x_mov_rr(b, false, d, d);
            return;
        }
        load_imm32(c, R11, imm);
        chk_zero = chk_m1 = false;
    } else {
        x_mov_rr(b, true, R11, R[in->src_reg]);
    }
    if (chk_zero) {
        x_test_rr(b, w, R11, R11);
        jcc(c, CC_E, l_zero);
    }
    if (chk_m1) {
        x_alu_ri(b, w, XA_CMP, R11, -1);
        jcc(c, CC_E, l_m1);
    }
    x_mov_rr(b, true, R10, RAX);
    x_op(b, XF_W, 0x89, 1, RDX, XM(RSP, JF_TMP)); /* mov [rsp+tmp], rdx */
    if (d != RAX)
        x_mov_rr(b, true, RAX, d);
    if (sgn) {
        if (w)
            x_byte(b, 0x48);
        x_byte(b, 0x99); /* cqo / cdq */
    } else {
        x_alu_rr(b, false, XA_XOR, RDX, RDX);
    }
    x_f7(b, w, sgn ? 7 : 6, R11); /* idiv / div r11 */
    x_mov_rr(b, w, R11, mod ? RDX : RAX);
    x_mov_rr(b, true, RAX, R10);
    x_load(b, 8, RDX, XM(RSP, JF_TMP));
    x_mov_rr(b, true, d, R11);
    if (chk_zero || chk_m1)
        jmp(c, l_done);
    if (chk_zero) {
        bind(c, l_zero);
        if (!mod)
            x_alu_rr(b, false, XA_XOR, d, d);
        else if (!w)
            x_mov_rr(b, false, d, d);
        if (chk_m1)
            jmp(c, l_done);
    }
    if (chk_m1) {
        bind(c, l_m1);
        if (!mod)
            x_f7(b, w, 3, d);
        else
            x_alu_rr(b, false, XA_XOR, d, d);
    }
    bind(c, l_done);
}

static void emit_shift(struct jc *c, const struct bpf_insn *in, bool w, int ext, unsigned pp)
{
    struct xbuf *b = &c->b;
    int d = R[in->dst_reg];
    if (BPF_SRC(in->code) == BPF_K) {
        uint8_t n = (uint8_t)(in->imm & (w ? 63 : 31));
        if (n)
            x_shift_ri(b, w ? XF_W : 0, ext, d, n);
        else if (!w)
            x_mov_rr(b, false, d, d);
        return;
    }
    int s = R[in->src_reg];
    if (c->bmi2) {
        x_shiftx(b, w, pp, d, d, s);
        return;
    }
    if (s == RCX) {
        x_shift_cl(b, w, ext, d);
    } else if (d == RCX) {
        x_mov_rr(b, true, R11, RCX);
        x_mov_rr(b, true, RCX, s);
        x_shift_cl(b, w, ext, R11);
        x_mov_rr(b, true, RCX, R11);
    } else {
        x_mov_rr(b, true, R11, RCX);
        x_mov_rr(b, true, RCX, s);
        x_shift_cl(b, w, ext, d);
        x_mov_rr(b, true, RCX, R11);
    }
}

static void emit_alu(struct jc *c, const struct bpf_insn *in, bool w)
{
    struct xbuf *b = &c->b;
    int d = R[in->dst_reg], s = R[in->src_reg];
    bool x = BPF_SRC(in->code) == BPF_X;
    int32_t imm = in->imm;
    uint8_t op = BPF_OP(in->code);
    /* hardening: the kernel's blinded ops take the constant from r11 */
    if (!x && c->harden &&
        (op == BPF_ADD || op == BPF_SUB || op == BPF_AND || op == BPF_OR || op == BPF_XOR ||
         op == BPF_MUL || op == BPF_MOV)) {
        load_imm32(c, R11, imm);
        x = true;
        s = R11;
    }
    switch (op) {
    case BPF_ADD: case BPF_SUB: case BPF_AND: case BPF_OR: case BPF_XOR: {
        enum x86_alu a = op == BPF_ADD ? XA_ADD : op == BPF_SUB ? XA_SUB : op == BPF_AND ? XA_AND
                         : op == BPF_OR ? XA_OR : XA_XOR;
        if (x)
            x_alu_rr(b, w, a, d, s);
        else
            x_alu_ri(b, w, a, d, imm);
        return;
    }
    case BPF_MUL:
        if (x)
            x_imul_rr(b, w, d, s);
        else
            x_imul_ri(b, w, d, imm);
        return;
    case BPF_DIV:
    case BPF_MOD:
        emit_div(c, in, w, op == BPF_MOD, in->off == 1);
        return;
    case BPF_NEG:
        x_f7(b, w, 3, d);
        return;
    case BPF_LSH: emit_shift(c, in, w, 4, 1); return;
    case BPF_RSH: emit_shift(c, in, w, 5, 3); return;
    case BPF_ARSH: emit_shift(c, in, w, 7, 2); return;
    case BPF_MOV:
        if (!x) {
            x_mov_imm64(b, d, w ? (uint64_t)(int64_t)imm : (uint32_t)imm);
        } else if (in->off == 8) {
            x_op(b, (w ? XF_W : 0) | XF_BRM, 0x0fbe, 2, d, XR(s));
        } else if (in->off == 16) {
            x_op(b, w ? XF_W : 0, 0x0fbf, 2, d, XR(s));
        } else if (in->off == 32) {
            x_op(b, XF_W, 0x63, 1, d, XR(s));
        } else if (!w || d != s) {
            x_mov_rr(b, w, d, s);
        }
        return;
    case BPF_END:
        if (!w && BPF_SRC(in->code) == BPF_K) { /* to little endian: truncate */
            if (in->imm == 16)
                x_op(b, 0, 0x0fb7, 2, d, XR(d));
            else if (in->imm == 32)
                x_mov_rr(b, false, d, d);
            return;
        }
        if (in->imm == 16) {
            x_shift_ri(b, XF_66, 1, d, 8); /* ror r16, 8 */
            x_op(b, 0, 0x0fb7, 2, d, XR(d));
        } else {
            x_bswap(b, in->imm == 64, d);
        }
        return;
    }
}

/* ------------------------------------------------------------ memory ---- */

/* the access itself, address in m */
static void mem_op(struct jc *c, const struct bpf_insn *in, enum mem_kind mk, unsigned size,
                   struct xm m)
{
    struct xbuf *b = &c->b;
    int d = R[in->dst_reg], s = R[in->src_reg];
    bool w = size == 8;
    switch (mk) {
    case MK_LOAD: x_load(b, size, d, m); return;
    case MK_LOADSX: x_load_sx(b, size, d, m); return;
    case MK_STORE_REG: x_store(b, size, m, s); return;
    case MK_STORE_IMM:
        if (c->harden) {
            load_imm32(c, R11, in->imm);
            x_store(b, size, m, R11);
        } else {
            x_store_imm(b, size, m, in->imm);
        }
        return;
    case MK_ATOMIC:
        break;
    }
    unsigned f = (w ? XF_W : 0);
    switch (in->imm) {
    case BPF_ADD: x_op(b, f | XF_LOCK, 0x01, 1, s, m); return;
    case BPF_OR: x_op(b, f | XF_LOCK, 0x09, 1, s, m); return;
    case BPF_AND: x_op(b, f | XF_LOCK, 0x21, 1, s, m); return;
    case BPF_XOR: x_op(b, f | XF_LOCK, 0x31, 1, s, m); return;
    case BPF_ADD | BPF_FETCH: x_op(b, f | XF_LOCK, 0x0fc1, 2, s, m); return; /* xadd */
    case BPF_XCHG: x_op(b, f, 0x87, 1, s, m); return;
    case BPF_CMPXCHG:
        x_op(b, f | XF_LOCK, 0x0fb1, 2, s, m);
        if (!w)
            x_mov_rr(b, false, RAX, RAX);
        return;
    default: { /* fetch or/and/xor: a cmpxchg loop on rax */
        enum x86_alu a = (in->imm & ~BPF_FETCH) == BPF_OR ? XA_OR
                         : (in->imm & ~BPF_FETCH) == BPF_AND ? XA_AND : XA_XOR;
        uint32_t l_loop = new_label(c);
        x_op(b, XF_W, 0x89, 1, s, XM(RSP, JF_TMP));
        x_op(b, XF_W, 0x89, 1, RAX, XM(RSP, JF_TMP + 8));
        x_load(b, size, RAX, m);
        bind(c, l_loop);
        x_mov_rr(b, true, R11, RAX);
        x_alu_rm(b, w, a, R11, XM(RSP, JF_TMP));
        x_op(b, f | XF_LOCK, 0x0fb1, 2, R11, m);
        jcc(c, CC_NE, l_loop);
        x_mov_rr(b, true, R11, RAX);
        x_load(b, 8, RAX, XM(RSP, JF_TMP + 8));
        x_mov_rr(b, true, s, R11);
        return;
    }
    }
}

static int32_t ent_off(bool write, unsigned slot, size_t field)
{
    return (write ? CACHE(wr[slot]) : CACHE(rd[slot])) + (int32_t)field;
}

/* the inline region check of r11 = address - lo (CK_PLAIN / CK_POOL) */
static void region_check(struct jc *c, bool write, unsigned slot, int k, bool pool, uint32_t miss)
{
    struct xbuf *b = &c->b;
    x_alu_rm(b, true, XA_SUB, R11, XM(RUNR, ent_off(write, slot, offsetof(struct jit_cache_ent, lo))));
    x_alu_rm(b, true, XA_CMP, R11,
             XM(RUNR, ent_off(write, slot, offsetof(struct jit_cache_ent, lim) + 8 * (size_t)k)));
    jcc(c, CC_AE, miss);
    if (pool) {
        x_alu_rm(b, true, XA_AND, R11, XM(RUNR, ent_off(write, slot, offsetof(struct jit_cache_ent, mask))));
        x_alu_rm(b, true, XA_CMP, R11,
                 XM(RUNR, ent_off(write, slot, offsetof(struct jit_cache_ent, elim) + 8 * (size_t)k)));
        jcc(c, CC_AE, miss);
    }
}

static void emit_mem(struct jc *c, uint32_t pc, const struct bpf_insn *in)
{
    struct xbuf *b = &c->b;
    uint8_t cls = BPF_CLASS(in->code);
    unsigned size = vm_size_bytes(in->code);
    enum mem_kind mk = cls == BPF_LDX ? (BPF_MODE(in->code) == BPF_MEMSX ? MK_LOADSX : MK_LOAD)
                       : cls == BPF_ST ? MK_STORE_IMM
                       : BPF_MODE(in->code) == BPF_ATOMIC ? MK_ATOMIC : MK_STORE_REG;
    unsigned breg = cls == BPF_LDX ? in->src_reg : in->dst_reg;
    int base = R[breg];
    int16_t off = in->off;
    bool atomic = mk == MK_ATOMIC;

    /* trusted code: a ctx field the runtime keeps at a fixed place from the
     * ctx pointer (vm_set_ctx_layout) is one load, as the kernel rewrites
     * it; the verifier proved the base is the unmodified ctx pointer */
    if (!c->checked && c->ctx_insns && c->ctx_insns[pc] && mk == MK_LOAD && off >= 0) {
        const struct vm_ctx_field *f = vm_ctx_layout_find(c->vm, (uint32_t)off, size);
        if (f) {
            x_load(b, f->width, R[in->dst_reg], XM(base, f->delta));
            return;
        }
    }
    bool unchecked = (!c->checked && !(c->ctx_insns && c->ctx_insns[pc])) ||
                     (breg == 10 && c->r10_ro && off >= -(int)VM_STACK_SIZE &&
                      off + (int)size <= 0 && (!atomic || off % (int)size == 0));
    if (unchecked) {
        if (atomic) {
            x_lea(b, R10, XM(base, off));
            mem_op(c, in, mk, size, XM(R10, 0));
        } else {
            mem_op(c, in, mk, size, XM(base, off));
        }
        return;
    }
    struct stub *s = add_stub(c, ST_ACCESS, pc);
    if (!s)
        return;
    s->mk = mk;
    s->size = (uint8_t)size;
    s->write = cls != BPF_LDX;
    s->dst = R[in->dst_reg];
    s->src = R[in->src_reg];
    s->base = base;
    s->off = off;
    s->imm = in->imm;
    s->after = c->after[pc];
    s->ck = c->site_ck[pc];
    s->slot = c->site_slot[pc];
    const struct vstate *v = &c->vs[breg];
    if (v->d >= 0 && v->nonnull) {
        int64_t o = (int64_t)v->off + off;
        if (o >= 0 && o + size <= c->inlined[v->d].desc.value_size)
            s->ck = CK_VALUE;
    }
    s->ctxent = c->site_ctx[pc];
    s->l_access = new_label(c);
    s->l_next = new_label(c);
    s->l_c = new_label(c);
    int k = log2sz(size);
    /* atomics: the address in r10, alignment first (as the interpreter) */
    struct xm m = atomic ? XM(R10, 0) : XM(base, off);
    if (atomic) {
        x_lea(b, R10, XM(base, off));
        x_op(b, 0, 0xf6, 1, 0, XR(R10)); /* test r10b, size - 1 */
        x_byte(b, (uint8_t)(size - 1));
        jcc(c, CC_NE, s->l_c);
    }
    switch (s->ck) {
    case CK_CTX: {
        /* the field's entry: r10 = address, r11 = host pointer (| 1: 8 bytes) */
        int32_t e = CACHE(ctx[s->ctxent]);
        x_lea(b, R10, XM(base, off));
        x_alu_rm(b, true, XA_CMP, R10, XM(RUNR, e + (int32_t)offsetof(struct jit_ctx_ent, addr)));
        jcc(c, CC_NE, s->label);
        x_load(b, 8, R11, XM(RUNR, e + (int32_t)offsetof(struct jit_ctx_ent, ptr)));
        x_op(b, 0, 0xf6, 1, 0, XR(R11)); /* test r11b, 1 */
        x_byte(b, 1);
        jcc(c, CC_E, s->label);
        x_load(b, 8, s->dst, XM(R11, -1));
        bind(c, s->l_next);
        return; /* the region access is in the stub */
    }
    case CK_VALUE:
        x_alu_mi(b, false, XA_CMP, XM(RSP, JF_INLINE), 0);
        jcc(c, CC_E, s->label);
        break;
    case CK_STACK:
        x_lea(b, R11, XM(atomic ? R10 : base, atomic ? -OFF_RUN(stack) : off - OFF_RUN(stack)));
        x_alu_rr(b, true, XA_SUB, R11, RUNR);
        x_alu_ri(b, true, XA_CMP, R11, (int32_t)(sizeof(((struct vm_run *)0)->stack) - size + 1));
        jcc(c, CC_AE, s->label);
        break;
    default:
        x_lea(b, R11, atomic ? XM(R10, 0) : XM(base, off));
        region_check(c, s->write, s->slot, k, s->ck == CK_POOL, s->label);
        break;
    }
    bind(c, s->l_access);
    mem_op(c, in, mk, size, m);
    bind(c, s->l_next);
}

static void emit_access_stub(struct jc *c, const struct stub *s)
{
    struct xbuf *b = &c->b;
    int k = log2sz(s->size);
    bool atomic = s->mk == MK_ATOMIC;
    const struct bpf_insn *in = &c->prog->insns[s->pc];
    uint32_t l_access = s->l_access;
    if (s->ck == CK_CTX) {
        /* a 4-byte field, an empty entry, or not the context at all */
        uint32_t l_region = new_label(c);
        x_alu_rm(b, true, XA_CMP, R10, XM(RUNR, CACHE(ctx[s->ctxent]) +
                                              (int32_t)offsetof(struct jit_ctx_ent, addr)));
        jcc(c, CC_NE, l_region);
        x_test_rr(b, true, R11, R11);
        jcc(c, CC_E, l_region);
        x_load(b, 4, s->dst, XM(R11, 0));
        jmp(c, s->l_next);
        bind(c, l_region);
        l_access = new_label(c);
        x_lea(b, R11, XM(s->base, s->off));
        region_check(c, false, s->slot, k, false, s->l_c);
        bind(c, l_access);
        mem_op(c, in, s->mk, s->size, XM(s->base, s->off));
        jmp(c, s->l_next);
    }
    if (s->ck == CK_VALUE) { /* the result of a real call: check as any value */
        uint32_t l_more = new_label(c);
        x_lea(b, R11, atomic ? XM(R10, 0) : XM(s->base, s->off));
        region_check(c, s->write, s->slot, k, true, l_more);
        jmp(c, l_access);
        bind(c, l_more);
    }
    /* the stack */
    if (!atomic)
        x_lea(b, R10, XM(s->base, s->off));
    if (s->ck != CK_STACK) {
        x_lea(b, R11, XM(R10, -OFF_RUN(stack)));
        x_alu_rr(b, true, XA_SUB, R11, RUNR);
        x_alu_ri(b, true, XA_CMP, R11, (int32_t)(sizeof(((struct vm_run *)0)->stack) - s->size + 1));
        jcc(c, CC_B, l_access);
    }
    /* the interpreter's slow path */
    bind(c, s->l_c);
    static const int saved[6] = {RAX, RDI, RSI, RDX, RCX, R8};
    for (int i = 0; i < 6; i++)
        x_op(b, XF_W, 0x89, 1, saved[i], XM(RSP, JF_SAVE + 8 * i));
    if (s->mk == MK_STORE_REG && s->src != RCX)
        x_mov_rr(b, true, RCX, s->src);
    else if (s->mk == MK_STORE_IMM)
        load_imm32(c, RCX, s->imm);
    x_mov_rr(b, true, RDX, R10);
    uint32_t site = s->pc | ((uint32_t)s->slot << 20) |
                    (s->ck == CK_POOL || s->ck == CK_VALUE ? JIT_SITE_POOL : 0) |
                    (s->ck == CK_CTX ? (uint32_t)(s->ctxent + 1) << 24 : 0);
    x_mov_imm64(b, RSI, site);
    x_mov_rr(b, true, RDI, RUNR);
    x_movabs(b, RAX, (uint64_t)(uintptr_t)jit_rt_access);
    x_call_r(b, RAX);
    x_mov_rr(b, true, R11, RAX);
    x_mov_rr(b, true, R10, RDX);
    x_load(b, 8, RUNR, XM(RSP, JF_RUN));
    for (int i = 0; i < 6; i++)
        x_load(b, 8, saved[i], XM(RSP, JF_SAVE + 8 * i));
    uint32_t l_redo = new_label(c), l_fault = new_label(c);
    x_test_rr(b, true, R11, R11);
    jcc(c, CC_E, l_redo);
    jcc(c, CC_S, l_fault);
    if (s->mk == MK_LOAD || s->mk == MK_LOADSX)
        x_mov_rr(b, true, s->dst, R10);
    jmp(c, s->l_next);
    bind(c, l_redo);
    x_lea(b, R10, XM(s->base, s->off));
    jmp(c, l_access);
    bind(c, l_fault);
    x_mov_rr(b, false, RAX, R11);
    if (s->after)
        x_alu_ri(b, true, XA_SUB, CNT, (int32_t)s->after);
    jmp(c, c->l_epilogue);
}

/* -------------------------------------------------------------- calls ---- */

/* the native registers of BPF r1..r5 (jit_int.h) */
static const int bpf_args[5] = {RDI, RSI, RDX, RCX, R8};

/* A call of the C function in r10 with the BPF frame published to the run
 * (where a callback's frame goes) and r1..r5 saved in the native frame. */
static void emit_c_call(struct jc *c)
{
    struct xbuf *b = &c->b;
    x_op(b, XF_W, 0x89, 1, RBP, XM(RUNR, OFF_RUN(cur_fp)));
    x_load(b, 4, R11, XM(RSP, JF_DEPTH));
    x_op(b, 0, 0x89, 1, R11, XM(RUNR, OFF_RUN(cur_depth)));
    for (int i = 0; i < 5; i++)
        x_op(b, XF_W, 0x89, 1, bpf_args[i], XM(RSP, JF_ARGS + 8 * i));
    x_call_r(b, R10);
    x_load(b, 8, RUNR, XM(RSP, JF_RUN));
}

/* what every helper call does around `call r10` (r10 = the helper); the
 * budget check after it unless the caller does it */
static void emit_helper_call(struct jc *c, uint32_t pc, uint64_t id, int dyn_id_reg, bool budget)
{
    struct xbuf *b = &c->b;
    emit_c_call(c);
    struct stub *oc = add_stub(c, ST_ONCALL, pc);
    if (!oc)
        return;
    oc->arg = id;
    oc->reg = dyn_id_reg;
    oc->l_back = new_label(c);
    x_alu_mi(b, true, XA_CMP, XM(RUNR, OFF_RUN(on_call)), 0);
    jcc(c, CC_NE, oc->label);
    bind(c, oc->l_back);
    struct stub *st = add_stub(c, ST_STOPPED, pc);
    if (!st)
        return;
    x_alu_mi(b, false, XA_CMP, XM(RUNR, OFF_RUN(stop)), 0);
    jcc(c, CC_NE, st->label);
    if (c->checked) {
        /* the interpreter's r1..r5 keep their values across a call */
        for (int i = 0; i < 5; i++)
            x_load(b, 8, bpf_args[i], XM(RSP, JF_ARGS + 8 * i));
        if (budget)
            budget_check(c, pc);
    }
}

/* The value r1 certainly holds at `pc`: a lddw earlier in the same block. */
static bool const_r1(struct jc *c, uint32_t pc, uint64_t *v)
{
    const struct bpf_insn *insns = c->prog->insns;
    for (uint32_t j = pc; j-- > 0;) {
        const struct bpf_insn *in = &insns[j];
        if (in->code == 0 && j > 0 && vm_insn_is_lddw(&insns[j - 1]))
            continue; /* a lddw's second half */
        uint8_t cls = BPF_CLASS(in->code);
        if (vm_insn_is_lddw(in) && in->dst_reg == 1) {
            if (in->src_reg == BPF_PSEUDO_FUNC)
                return false;
            *v = (uint32_t)in->imm | ((uint64_t)(uint32_t)in[1].imm << 32);
            return true;
        }
        if (((cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_LDX) && in->dst_reg == 1) ||
            (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC && in->src_reg == 1 &&
             ((in->imm & BPF_FETCH) || in->imm == BPF_XCHG)))
            return false;
        if (c->leader[j])
            return false;
    }
    return false;
}

/* r2 = r10 + off, set earlier in the same block ("r2 = r10; r2 += off") */
static bool r2_fp_offset(struct jc *c, uint32_t pc, int32_t *off)
{
    const struct bpf_insn *insns = c->prog->insns;
    int32_t sum = 0;
    for (uint32_t j = pc; j-- > 0;) {
        const struct bpf_insn *in = &insns[j];
        if (in->code == 0 && j > 0 && vm_insn_is_lddw(&insns[j - 1]))
            continue;
        uint8_t cls = BPF_CLASS(in->code);
        bool writes = ((cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_LDX) && in->dst_reg == 2) ||
                      (vm_insn_is_lddw(in) && in->dst_reg == 2) ||
                      (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC && in->src_reg == 2 &&
                       ((in->imm & BPF_FETCH) || in->imm == BPF_XCHG));
        if (writes) {
            if (in->code == (BPF_ALU64 | BPF_ADD | BPF_K))
                sum += in->imm;
            else if (in->code == (BPF_ALU64 | BPF_MOV | BPF_X) && in->off == 0 && in->src_reg == 10)
                return (*off = sum, c->r10_ro);
            else
                return false;
            if (sum < -(int32_t)VM_STACK_SIZE || sum > 0)
                return false;
        }
        if (c->leader[j])
            return false;
    }
    return false;
}

/* bpf_map_lookup_elem on an array map, inline (vm_helper_inline), while
 * the helper is the one described and there is no on_call (checked once
 * per execution: JF_INLINE) and the key is on the stack (known here, or
 * checked); anything else makes the real call. */
static bool emit_inline_helper(struct jc *c, uint32_t pc, uint32_t id)
{
    struct xbuf *b = &c->b;
    uint64_t arg1;
    struct vm_helper_inline hi;
    if (c->n_inlined == sizeof c->inlined / sizeof c->inlined[0] || !const_r1(c, pc, &arg1) ||
        !vm_helper_inline(c->vm, id, arg1, &hi) || hi.kind != VM_INLINE_ARRAY_LOOKUP ||
        hi.stride == 0 || hi.stride > INT32_MAX)
        return false;
    c->inl_result = (int)c->n_inlined;
    c->inlined[c->n_inlined++] = (struct jit_inlined){vm_helper_slot(c->vm, id),
                                                      vm_get_helper(c->vm, id), hi};
    struct stub *call = add_stub(c, ST_CALL, pc); /* the real call, out of line */
    if (!call)
        return false;
    call->arg = id;
    call->l_back = new_label(c);
    x_alu_mi(b, false, XA_CMP, XM(RSP, JF_INLINE), 0);
    jcc(c, CC_E, call->label);
    int32_t koff;
    bool known = r2_fp_offset(c, pc, &koff) && koff <= -4;
    if (!known) {
        x_lea(b, R11, XM(RSI, -OFF_RUN(stack)));
        x_alu_rr(b, true, XA_SUB, R11, RUNR);
        x_alu_ri(b, true, XA_CMP, R11, (int32_t)(sizeof(((struct vm_run *)0)->stack) - 4 + 1));
        jcc(c, CC_AE, call->label);
    }
    /* r0 = k < max ? base + k * stride : 0, without a branch */
    x_load(b, 4, RAX, known ? XM(RBP, koff) : XM(RSI, 0));
    x_movabs(b, R11, hi.base);
    if (hi.stride == 1 || hi.stride == 2 || hi.stride == 4 || hi.stride == 8) {
        x_lea(b, R10, XMI(R11, RAX, (unsigned)hi.stride, 0));
    } else {
        x_op(b, XF_W, 0x69, 1, R10, XR(RAX)); /* imul r10, rax, stride */
        x_u32(b, (uint32_t)hi.stride);
        x_alu_rr(b, true, XA_ADD, R10, R11);
    }
    x_alu_ri(b, false, XA_CMP, RAX, (int32_t)hi.max_entries);
    x_byte(b, 0xb8); /* mov eax, 0 (keeps the flags) */
    x_u32(b, 0);
    x_op(b, XF_W, 0x0f42, 2, RAX, XR(R10)); /* cmovb rax, r10 */
    bind(c, call->l_back);
    if (c->checked)
        budget_check(c, pc);
    return true;
}

static void emit_call(struct jc *c, uint32_t pc, const struct bpf_insn *in)
{
    struct xbuf *b = &c->b;
    if (BPF_SRC(in->code) == BPF_X) { /* callx: the helper id is in dst */
        int d = R[in->dst_reg];
        struct stub *u = add_stub(c, ST_FAULT_REG, pc);
        if (!u)
            return;
        u->fkind = JIT_F_UNKNOWN_HELPER;
        u->reg = d;
        x_alu_ri(b, true, XA_CMP, d, (int32_t)VM_MAX_HELPER_ID - 1);
        jcc(c, CC_A, u->label);
        x_op(b, XF_W, 0x89, 1, d, XM(RSP, JF_TMP + 8));
        uintptr_t s0 = (uintptr_t)vm_helper_slot(c->vm, 0);
        int32_t stride = (int32_t)((uintptr_t)vm_helper_slot(c->vm, 1) - s0);
        x_op(b, XF_W, 0x69, 1, R10, XR(d)); /* imul r10, d, stride */
        x_u32(b, (uint32_t)stride);
        x_movabs(b, R11, s0);
        x_load(b, 8, R10, XMI(R11, R10, 1, 0));
        x_test_rr(b, true, R10, R10);
        jcc(c, CC_E, u->label);
        emit_helper_call(c, pc, 0, 1, true);
        return;
    }
    if (in->src_reg == BPF_PSEUDO_KFUNC_CALL) {
        jmp(c, fault_stub(c, pc, JIT_F_KFUNC, 0));
        return;
    }
    if (in->src_reg == BPF_PSEUDO_CALL) {
        uint32_t target = pc + 1 + (uint32_t)in->imm;
        x_load(b, 4, R11, XM(RSP, JF_DEPTH));
        x_alu_ri(b, false, XA_CMP, R11, (int32_t)VM_MAX_CALL_DEPTH - 1);
        jcc(c, CC_AE, fault_stub(c, pc, JIT_F_DEPTH, 0));
        if (c->checked)
            budget_check(c, pc);
        x_lea(b, R10, XMI(R11, R11, 2, 0));
        x_shift_ri(b, XF_W, 4, R10, 4);
        x_alu_ri(b, false, XA_ADD, R11, 1);
        x_op(b, 0, 0x89, 1, R11, XM(RSP, JF_DEPTH));
        lea_label(c, R11, pc + 1);
        static const int keep[6] = {R11, RBX, R13, R14, R15, RBP};
        for (int i = 0; i < 6; i++)
            x_op(b, XF_W, 0x89, 1, keep[i], XMI(RSP, R10, 1, JF_FRAMES + 8 * i));
        x_alu_ri(b, true, XA_SUB, RBP, (int32_t)VM_STACK_SIZE);
        jmp(c, target);
        return;
    }
    uint32_t id = (uint32_t)in->imm;
    if (id >= VM_MAX_HELPER_ID) {
        jmp(c, fault_stub(c, pc, JIT_F_UNKNOWN_HELPER, id));
        return;
    }
    if (emit_inline_helper(c, pc, id))
        return;
    x_movabs(b, R10, (uint64_t)(uintptr_t)vm_helper_slot(c->vm, id));
    x_load(b, 8, R10, XM(R10, 0));
    x_test_rr(b, true, R10, R10);
    jcc(c, CC_E, fault_stub(c, pc, JIT_F_UNKNOWN_HELPER, id));
    emit_helper_call(c, pc, id, -1, true);
}

/* ld_abs / ld_ind as the kernel rewrites them (vm/ld_pkt.c): r2 = offset,
 * r1 = r6, a helper call without on_call (not a helper of the program's),
 * then r0 s< 0 ends the function with r0 = 0. The instruction ends its
 * block (analyse), so that exit has nothing of the block to uncount. */
static void emit_ld_pkt(struct jc *c, uint32_t pc, const struct bpf_insn *in)
{
    struct xbuf *b = &c->b;
    if (BPF_MODE(in->code) == BPF_IND) {
        if (in->imm) {
            load_imm32(c, R11, in->imm);
            x_alu_rr(b, true, XA_ADD, R11, R[in->src_reg]);
            x_mov_rr(b, true, RSI, R11);
        } else {
            x_mov_rr(b, true, RSI, R[in->src_reg]);
        }
    } else {
        load_imm32(c, RSI, in->imm);
    }
    x_mov_rr(b, true, RDI, R[6]);
    unsigned size = vm_size_bytes(in->code);
    x_movabs(b, R10, (uint64_t)(uintptr_t)(size == 1 ? vm_ld_pkt_b : size == 2 ? vm_ld_pkt_h
                                                                          : vm_ld_pkt_w));
    emit_c_call(c);
    struct stub *st = add_stub(c, ST_STOPPED, pc);
    if (!st)
        return;
    x_alu_mi(b, false, XA_CMP, XM(RUNR, OFF_RUN(stop)), 0);
    jcc(c, CC_NE, st->label);
    if (c->checked) {
        for (int i = 0; i < 5; i++)
            x_load(b, 8, bpf_args[i], XM(RSP, JF_ARGS + 8 * i));
        budget_check(c, pc);
    }
    x_test_rr(b, true, RAX, RAX);
    jcc(c, CC_NS, pc + 1);
    x_alu_rr(b, false, XA_XOR, RAX, RAX);
    jmp(c, c->has_calls ? c->l_exit : c->l_exit_base);
}

/* -------------------------------------------------------------- jumps ---- */

static const enum x86_cc jcc_of[16] = {
    [BPF_JEQ >> 4] = CC_E,   [BPF_JGT >> 4] = CC_A,   [BPF_JGE >> 4] = CC_AE,
    [BPF_JSET >> 4] = CC_NE, [BPF_JNE >> 4] = CC_NE,  [BPF_JSGT >> 4] = CC_G,
    [BPF_JSGE >> 4] = CC_GE, [BPF_JLT >> 4] = CC_B,   [BPF_JLE >> 4] = CC_BE,
    [BPF_JSLT >> 4] = CC_L,  [BPF_JSLE >> 4] = CC_LE,
};

static void emit_jump(struct jc *c, uint32_t pc, const struct bpf_insn *in)
{
    struct xbuf *b = &c->b;
    uint8_t op = BPF_OP(in->code);
    bool w = BPF_CLASS(in->code) == BPF_JMP;
    if (op == BPF_JA) {
        uint32_t target = pc + 1 + (uint32_t)(w ? (int32_t)in->off : in->imm);
        if (c->checked)
            budget_check(c, pc);
        if (target != pc + 1)
            jmp(c, target);
        return;
    }
    uint32_t target = pc + 1 + (uint32_t)(int32_t)in->off;
    int d = R[in->dst_reg];
    bool x = BPF_SRC(in->code) == BPF_X;
    if (x) {
        if (op == BPF_JSET)
            x_test_rr(b, w, d, R[in->src_reg]);
        else
            x_alu_rr(b, w, XA_CMP, d, R[in->src_reg]);
    } else if (c->harden) {
        load_imm32(c, R11, in->imm);
        if (op == BPF_JSET)
            x_test_rr(b, w, d, R11);
        else
            x_alu_rr(b, w, XA_CMP, d, R11);
    } else if (op == BPF_JSET) {
        x_test_ri(b, w, d, in->imm);
    } else if (in->imm == 0) {
        x_test_rr(b, w, d, d);
    } else {
        x_alu_ri(b, w, XA_CMP, d, in->imm);
    }
    enum x86_cc cc = jcc_of[op >> 4];
    if (!c->checked && !c->after[pc]) {
        jcc(c, cc, target);
        return;
    }
    if (target <= pc && c->loop_src[target] == pc) { /* checks at the loop head */
        jcc(c, cc, c->loop_hdr[target]);
    } else if (target <= pc) { /* a loop: the taken path is the hot one (ends its block) */
        jcc(c, (enum x86_cc)(cc ^ 1), pc + 1);
        budget_check(c, pc);
        jmp(c, target);
    } else {
        /* out of line: uncount the rest of the superblock, check the budget */
        struct stub *s = add_stub(c, ST_TAKEN, pc);
        if (!s)
            return;
        s->l_back = target;
        s->after = c->after[pc];
        jcc(c, cc, s->label);
    }
}

/* ------------------------------------------------------------- driver ---- */

static void emit_insn(struct jc *c, uint32_t pc)
{
    const struct bpf_insn *in = &c->prog->insns[pc];
    uint8_t cls = BPF_CLASS(in->code);
    switch (cls) {
    case BPF_ALU:
    case BPF_ALU64:
        emit_alu(c, in, cls == BPF_ALU64);
        return;
    case BPF_LD:
        if (vm_insn_is_lddw(in)) {
            uint64_t v = (uint32_t)in->imm | ((uint64_t)(uint32_t)in[1].imm << 32);
            if (in->src_reg == BPF_PSEUDO_FUNC)
                v = ((uint64_t)VM_FUNC_TAG << 32) | (uint32_t)(pc + 1 + (uint32_t)in->imm);
            load_imm64(c, R[in->dst_reg], v);
        } else {
            emit_ld_pkt(c, pc, in);
        }
        return;
    case BPF_LDX:
    case BPF_ST:
    case BPF_STX:
        emit_mem(c, pc, in);
        return;
    case BPF_JMP:
    case BPF_JMP32:
        switch (BPF_OP(in->code)) {
        case BPF_CALL:
            emit_call(c, pc, in);
            return;
        case BPF_EXIT:
            jmp(c, c->has_calls ? c->l_exit : c->l_exit_base);
            return;
        default:
            emit_jump(c, pc, in);
            return;
        }
    }
}

/* After insn pc: what registers hold (struct vstate), forward only. */
static void vstate_step(struct jc *c, uint32_t pc, uint32_t fused)
{
    const struct bpf_insn *in = &c->prog->insns[pc];
    struct vstate *vs = c->vs, none = {-1, false, 0};
    uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
    unsigned d = in->dst_reg, s = in->src_reg;
    if (fused) { /* a zero/sign extension: a number */
        vs[c->prog->insns[pc + fused].dst_reg] = none;
        return;
    }
    switch (cls) {
    case BPF_ALU64:
        if (op == BPF_MOV && BPF_SRC(in->code) == BPF_X && in->off == 0)
            vs[d] = vs[s];
        else if (op == BPF_ADD && BPF_SRC(in->code) == BPF_K && vs[d].d >= 0 &&
                 in->imm > -(1 << 20) && in->imm < (1 << 20) && vs[d].off > -(1 << 20) &&
                 vs[d].off < (1 << 20))
            vs[d].off += in->imm;
        else
            vs[d] = none;
        break;
    case BPF_ALU:
    case BPF_LDX:
        vs[d] = none;
        break;
    case BPF_LD:
        vs[vm_insn_is_lddw(in) ? d : 0] = none;
        break;
    case BPF_STX:
        if (BPF_MODE(in->code) == BPF_ATOMIC) {
            if ((in->imm & BPF_FETCH) || in->imm == BPF_XCHG)
                vs[s] = none;
            if (in->imm == BPF_CMPXCHG)
                vs[0] = none;
        }
        break;
    case BPF_JMP:
    case BPF_JMP32:
        if (op == BPF_CALL) {
            if (in->src_reg == BPF_PSEUDO_CALL || !c->checked)
                for (int r = 1; r <= 5; r++)
                    vs[r] = none;
            vs[0] = c->inl_result >= 0 ? (struct vstate){(int16_t)c->inl_result, false, 0} : none;
            if (in->src_reg == BPF_PSEUDO_CALL)
                for (int r = 6; r <= 9; r++)
                    vs[r] = none;
        } else if (cls == BPF_JMP && BPF_SRC(in->code) == BPF_K && in->imm == 0 && in->off > 0) {
            if (op == BPF_JEQ && vs[d].d >= 0 && vs[d].off == 0)
                vs[d].nonnull = true; /* falling through: not NULL */
            else if (op == BPF_JNE)
                vs[d] = none;
        }
        break;
    }
}

/* 32-bit zero/sign extension as older compilers write it (clang's v1
 * bytecode): "[rD = rS;] rD <<= 32; rD >>= 32" is one mov (movsxd for
 * s>>=), when nothing jumps into the sequence. Returns the instructions
 * consumed beyond pc (0: no match, nothing emitted). */
static uint32_t peephole(struct jc *c, uint32_t pc)
{
    const struct bpf_insn *in = &c->prog->insns[pc];
    uint32_t n = c->len;
    bool mov = in->code == (BPF_ALU64 | BPF_MOV | BPF_X) && in->off == 0;
    uint32_t sh = pc + (mov ? 1 : 0);
    if (sh + 1 >= n || (c->leader[sh] && sh != pc) || c->leader[sh + 1])
        return 0;
    const struct bpf_insn *l = &c->prog->insns[sh], *r = &c->prog->insns[sh + 1];
    unsigned d = mov ? in->dst_reg : l->dst_reg;
    if (l->code != (BPF_ALU64 | BPF_LSH | BPF_K) || l->imm != 32 || l->dst_reg != d ||
        (r->code != (BPF_ALU64 | BPF_RSH | BPF_K) && r->code != (BPF_ALU64 | BPF_ARSH | BPF_K)) ||
        r->imm != 32 || r->dst_reg != d)
        return 0;
    unsigned s = mov ? in->src_reg : d;
    if (BPF_OP(r->code) == BPF_ARSH)
        x_op(&c->b, XF_W, 0x63, 1, R[d], XR(R[s])); /* movsxd */
    else
        x_mov_rr(&c->b, false, R[d], R[s]);
    return sh + 1 - pc;
}

/* rdi = run, rsi = the first block, rdx = budget, rcx = r10, r8 = depth |
 * inline_ok << 32 (jit_entry_fn) */
static void emit_entry(struct jc *c)
{
    struct xbuf *b = &c->b;
    for (int i = 0; i < c->n_saved; i++)
        x_push(b, c->saved[i]);
    x_alu_ri(b, true, XA_SUB, RSP, c->frame);
    x_mov_rr(b, true, RUNR, RDI);
    x_op(b, XF_W, 0x89, 1, RDI, XM(RSP, JF_RUN));
    x_op(b, XF_W, 0x89, 1, RDX, XM(RSP, JF_BUDGET));
    x_op(b, 0, 0x89, 1, R8, XM(RSP, JF_DEPTH));
    x_op(b, 0, 0x89, 1, R8, XM(RSP, JF_BASE));
    x_shift_ri(b, XF_W, 5, R8, 32);
    x_op(b, 0, 0x89, 1, R8, XM(RSP, JF_INLINE));
    x_mov_rr(b, true, RBP, RCX);
    x_mov_rr(b, true, R11, RSI);
    for (int i = 0; i < 5; i++)
        x_load(b, 8, bpf_args[i], XM(RUNR, OFF_RUN(args) + 8 * i));
    /* r0 and r6..r9 start at 0, as in the interpreter */
    static const int zero[5] = {RAX, RBX, R13, R14, R15};
    for (int i = 0; i < 5; i++)
        if (i == 0 || (c->used & (1u << (i + 5))))
            x_alu_rr(b, false, XA_XOR, zero[i], zero[i]);
    x_alu_rr(b, false, XA_XOR, CNT, CNT);
    x_jmp_r(b, R11);
}

static void emit_stubs_and_tail(struct jc *c)
{
    struct xbuf *b = &c->b;
    /* stubs may add stubs (none do today); walk by index */
    for (uint32_t i = 0; i < c->nstubs && !c->err; i++) {
        struct stub s = c->stubs[i];
        bind(c, s.label);
        switch (s.kind) {
        case ST_FAULT:
        case ST_FAULT_REG:
            if (s.kind == ST_FAULT_REG)
                x_mov_rr(b, true, RCX, s.reg);
            else if (s.fkind == JIT_F_UNKNOWN_HELPER)
                x_mov_imm64(b, RCX, s.arg);
            if (s.after)
                x_alu_ri(b, true, XA_SUB, CNT, (int32_t)s.after);
            x_mov_imm64(b, RSI, s.pc);
            x_mov_imm64(b, RDX, s.fkind);
            jmp(c, c->l_fault);
            break;
        case ST_TAKEN:
            /* trusted code jumping to an exit of its own block (early
             * returns): count that exit here and leave directly */
            if (!c->checked && s.l_back < c->len && c->leader[s.l_back] &&
                c->blen[s.l_back] == 1 &&
                c->prog->insns[s.l_back].code == (BPF_JMP | BPF_EXIT)) {
                if (s.after != 1)
                    x_alu_ri(b, true, XA_SUB, CNT, (int32_t)s.after - 1);
                jmp(c, c->has_calls ? c->l_exit : c->l_exit_base);
                break;
            }
            if (s.after)
                x_alu_ri(b, true, XA_SUB, CNT, (int32_t)s.after);
            if (!c->checked) {
                jmp(c, s.l_back);
                break;
            }
            x_alu_rm(b, true, XA_CMP, CNT, XM(RSP, JF_BUDGET));
            jcc(c, CC_B, s.l_back);
            x_mov_imm64(b, RSI, s.pc);
            x_mov_imm64(b, RDX, JIT_F_BUDGET);
            jmp(c, c->l_fault);
            break;
        case ST_ACCESS:
            emit_access_stub(c, &c->stubs[i]);
            break;
        case ST_ONCALL:
            x_op(b, XF_W, 0x89, 1, RAX, XM(RSP, JF_TMP));
            x_mov_rr(b, true, RDI, RUNR);
            if (s.reg >= 0)
                x_load(b, 4, RSI, XM(RSP, JF_TMP + 8));
            else
                x_mov_imm64(b, RSI, s.arg);
            x_lea(b, RDX, XM(RSP, JF_ARGS));
            x_mov_rr(b, true, RCX, RAX);
            x_call_m(b, XM(RUNR, OFF_RUN(on_call)));
            x_load(b, 8, RUNR, XM(RSP, JF_RUN));
            x_load(b, 8, RAX, XM(RSP, JF_TMP));
            jmp(c, s.l_back);
            break;
        case ST_CALL: /* an inlined helper's real call */
            x_movabs(b, R10, (uint64_t)(uintptr_t)vm_helper_slot(c->vm, (uint32_t)s.arg));
            x_load(b, 8, R10, XM(R10, 0));
            x_test_rr(b, true, R10, R10);
            jcc(c, CC_E, fault_stub(c, s.pc, JIT_F_UNKNOWN_HELPER, s.arg));
            emit_helper_call(c, s.pc, s.arg, -1, false);
            jmp(c, s.l_back);
            break;
        case ST_STOPPED:
            x_mov_rr(b, true, RDI, RUNR);
            x_mov_imm64(b, RSI, s.pc);
            x_movabs(b, RAX, (uint64_t)(uintptr_t)jit_rt_stopped);
            x_call_r(b, RAX);
            x_load(b, 8, RUNR, XM(RSP, JF_RUN));
            jmp(c, c->l_epilogue);
            break;
        }
    }
    /* exit from a frame: return to the caller's frame or end the run */
    c->tail_off = (uint32_t)b->len;
    bind(c, c->l_exit);
    x_load(b, 4, R11, XM(RSP, JF_DEPTH));
    x_alu_rm(b, false, XA_CMP, R11, XM(RSP, JF_BASE));
    jcc(c, CC_E, c->l_exit_base);
    x_alu_ri(b, false, XA_SUB, R11, 1);
    x_op(b, 0, 0x89, 1, R11, XM(RSP, JF_DEPTH));
    x_lea(b, R10, XMI(R11, R11, 2, 0));
    x_shift_ri(b, XF_W, 4, R10, 4);
    static const int keep[5] = {RBX, R13, R14, R15, RBP};
    for (int i = 0; i < 5; i++)
        x_load(b, 8, keep[i], XMI(RSP, R10, 1, JF_FRAMES + 8 + 8 * i));
    x_jmp_m(b, XMI(RSP, R10, 1, JF_FRAMES));
    bind(c, c->l_exit_base);
    x_op(b, XF_W, 0x89, 1, RAX, XM(RUNR, OFF_RUN(r0)));
    x_alu_rr(b, false, XA_XOR, RAX, RAX);
    bind(c, c->l_epilogue);
    x_op(b, XF_W, 0x89, 1, CNT, XM(RUNR, OFF_RUN(insns_executed)));
    x_alu_ri(b, true, XA_ADD, RSP, c->frame);
    for (int i = c->n_saved; i-- > 0;)
        x_pop(b, c->saved[i]);
    x_ret(b);
    /* faults: esi = pc, edx = kind, rcx = argument */
    bind(c, c->l_fault);
    x_mov_rr(b, true, RDI, RUNR);
    x_movabs(b, RAX, (uint64_t)(uintptr_t)jit_rt_fault);
    x_call_r(b, RAX);
    x_load(b, 8, RUNR, XM(RSP, JF_RUN));
    jmp(c, c->l_epilogue);
}

static void run_pass(struct jc *c)
{
    c->b.len = 0;
    c->nfix = 0;
    c->nstubs = 0;
    c->njs = 0;
    c->site_rd = c->site_wr = 0;
    c->n_inlined = 0;
    c->rng = c->seed;
    c->nlabels = c->len + 1;
    c->l_exit = new_label(c);
    c->l_exit_base = new_label(c);
    c->l_epilogue = new_label(c);
    c->l_fault = new_label(c);
    for (uint32_t i = 0; i < c->lcap; i++)
        c->lpos[i] = UNSET;

    emit_entry(c);
    c->entry_len = (uint32_t)c->b.len;
    const struct bpf_insn *insns = c->prog->insns;
    for (uint32_t pc = 0; pc < c->len && !c->err; pc++) {
        if (c->checked && c->loop_src[pc] != UINT32_MAX) {
            /* the loop's budget check, entered only by its back edge */
            if (pc > 0)
                jmp(c, pc);
            c->loop_hdr[pc] = new_label(c);
            bind(c, c->loop_hdr[pc]);
            x_alu_rm(&c->b, true, XA_CMP, CNT, XM(RSP, JF_BUDGET));
            jcc(c, CC_AE, fault_stub(c, c->loop_src[pc], JIT_F_BUDGET, 0));
        }
        bind(c, pc);
        c->insn_off[pc] = (uint32_t)c->b.len;
        if (c->leader[pc]) {
            x_alu_ri(&c->b, true, XA_ADD, CNT, (int32_t)c->blen[pc]);
            /* what registers hold survives only the return from a helper */
            const struct bpf_insn *p = pc ? &insns[pc - 1] : NULL;
            if (c->target[pc] || !p || p->code != (BPF_JMP | BPF_CALL) || p->src_reg != 0 ||
                (pc >= 2 && vm_insn_is_lddw(&insns[pc - 2])))
                for (int r = 0; r < 11; r++)
                    c->vs[r] = (struct vstate){-1, false, 0};
        }
        uint32_t fused = peephole(c, pc);
        if (fused) {
            vstate_step(c, pc, fused);
            for (uint32_t k = 1; k <= fused; k++) {
                bind(c, pc + k);
                c->insn_off[pc + k] = (uint32_t)c->b.len;
            }
            pc += fused;
            continue;
        }
        c->inl_result = -1;
        emit_insn(c, pc);
        vstate_step(c, pc, 0);
        if (vm_insn_is_lddw(&insns[pc])) {
            pc++;
            c->insn_off[pc] = (uint32_t)c->b.len;
        }
    }
    /* the slot past the end: falling off counts one more, as the
     * interpreter's sentinel does */
    bind(c, c->len);
    c->insn_off[c->len] = (uint32_t)c->b.len;
    x_alu_ri(&c->b, true, XA_ADD, CNT, 1);
    x_mov_imm64(&c->b, RSI, c->len - 1);
    x_mov_imm64(&c->b, RDX, JIT_F_FELL_OFF);
    jmp(c, c->l_fault);
    c->body_end = (uint32_t)c->b.len;

    emit_stubs_and_tail(c);
    if (c->b.oom)
        c->err = -ENOMEM;
    if (c->err)
        return;
    /* resolve jumps */
    for (uint32_t i = 0; i < c->nfix; i++) {
        const struct fix *f = &c->fix[i];
        if (c->lpos[f->label] == UNSET) {
            c->err = -EFAULT;
            return;
        }
        int64_t d = (int64_t)c->lpos[f->label] - (int64_t)f->end;
        if (f->size == 1) {
            if (!x_fits8(d)) {
                c->err = -EFAULT;
                return;
            }
            c->b.p[f->pos] = (uint8_t)(int8_t)d;
        } else {
            uint32_t v = (uint32_t)(int32_t)d;
            memcpy(c->b.p + f->pos, &v, 4);
        }
    }
}

/* Where each access site's base pointer comes from, to give sites that
 * reach different regions different cache entries and the right inline
 * check (enum check_kind). One linear pass over the program (a heuristic:
 * a wrong guess costs speed, never correctness); every function starts
 * afresh, r1 of the main program being the context. Classes: 0 unknown,
 * PV_CTX, PV_STACK (r10 and copies), else the kind of instruction that
 * produced the value and its slot. */
#define PV_CTX 1u
#define PV_STACK 2u
#define PV_LOAD 0x10000000u
#define PV_CALL 0x20000000u
#define PV_LDDW 0x30000000u

static void assign_site(struct jc *c, uint32_t pc, uint32_t cls, bool write, bool ctx_ok,
                        uint32_t table[2][JIT_NCACHE], unsigned next[2], unsigned *nctx)
{
    uint8_t ck = cls == PV_CTX && ctx_ok && *nctx < JIT_NCTX ? CK_CTX
                 : cls == PV_CTX || (cls & 0xf0000000u) == PV_LOAD || (cls & 0xf0000000u) == PV_LDDW
                     ? CK_PLAIN
                 : cls == PV_STACK ? CK_STACK
                                   : CK_POOL;
    c->site_ck[pc] = ck;
    if (ck == CK_CTX)
        c->site_ctx[pc] = (int8_t)(*nctx)++;
    unsigned d = write, slot = JIT_NCACHE;
    for (unsigned i = 0; cls && i < JIT_NCACHE && i < next[d]; i++)
        if (table[d][i] == cls)
            slot = i;
    if (slot == JIT_NCACHE) {
        slot = next[d]++ % JIT_NCACHE;
        table[d][slot] = cls;
    }
    c->site_slot[pc] = (uint8_t)slot;
}

static void provenance(struct jc *c, const uint8_t *fn_start)
{
    const struct bpf_insn *insns = c->prog->insns;
    uint32_t cls[11] = {0}, stk[VM_STACK_SIZE / 8] = {0};
    uint32_t table[2][JIT_NCACHE] = {{0}};
    unsigned next[2] = {0, 0}, nctx = 0;
    for (uint32_t i = 0; i < c->len; i++) {
        const struct bpf_insn *in = &insns[i];
        if (i == 0 || fn_start[i]) {
            memset(cls, 0, sizeof cls);
            memset(stk, 0, sizeof stk);
            cls[1] = i == 0 ? PV_CTX : 0;
            cls[10] = PV_STACK;
        }
        uint8_t k = BPF_CLASS(in->code), op = BPF_OP(in->code);
        unsigned d = in->dst_reg, sreg = in->src_reg;
        bool dw = BPF_SIZE(in->code) == BPF_DW;
        /* a spill slot r10 - 8 * (idx + 1) */
        int idx = (in->off < 0 && in->off >= -(int)VM_STACK_SIZE && in->off % 8 == 0)
                      ? -in->off / 8 - 1 : -1;
        switch (k) {
        case BPF_ALU64:
            if (op == BPF_MOV && BPF_SRC(in->code) == BPF_X && in->off == 0)
                cls[d] = cls[sreg];
            else if (op == BPF_ADD && BPF_SRC(in->code) == BPF_X && !cls[d])
                cls[d] = cls[sreg];
            else if (!((op == BPF_ADD || op == BPF_SUB) && BPF_SRC(in->code) == BPF_K) &&
                     !(op == BPF_ADD && BPF_SRC(in->code) == BPF_X))
                cls[d] = 0;
            break;
        case BPF_ALU:
            cls[d] = 0;
            break;
        case BPF_LD:
            if (vm_insn_is_lddw(in)) {
                cls[d] = PV_LDDW | i;
                i++;
            } else { /* ld_abs/ld_ind: a call */
                for (int r = 0; r <= 5; r++)
                    cls[r] = 0;
            }
            break;
        case BPF_LDX:
            assign_site(c, i, cls[sreg], false,
                        BPF_MODE(in->code) == BPF_MEM && BPF_SIZE(in->code) == BPF_W, table, next,
                        &nctx);
            cls[d] = sreg == 10 && dw && idx >= 0 && stk[idx] ? stk[idx] : PV_LOAD | i;
            break;
        case BPF_ST:
            assign_site(c, i, cls[d], true, false, table, next, &nctx);
            if (d == 10 && idx >= 0)
                stk[idx] = 0;
            break;
        case BPF_STX:
            assign_site(c, i, cls[d], true, false, table, next, &nctx);
            if (BPF_MODE(in->code) == BPF_ATOMIC) {
                if ((in->imm & BPF_FETCH) || in->imm == BPF_XCHG)
                    cls[sreg] = 0;
                if (in->imm == BPF_CMPXCHG)
                    cls[0] = 0;
            } else if (d == 10 && idx >= 0) {
                stk[idx] = dw ? cls[sreg] : 0;
            }
            break;
        case BPF_JMP:
            if (op == BPF_CALL) {
                for (int r = 1; r <= 5; r++)
                    cls[r] = 0;
                cls[0] = in->src_reg == 0 && BPF_SRC(in->code) == BPF_K ? PV_CALL | i : 0;
            }
            break;
        }
    }
}

/* leaders, block lengths, per-insn remainders, does anything write r10 */
static int analyse(struct jc *c)
{
    const struct bpf_insn *insns = c->prog->insns;
    uint32_t n = c->len;
    c->leader = calloc(n + 1, 1);
    c->blen = calloc(n + 1, sizeof(uint32_t));
    c->after = calloc(n + 1, sizeof(uint32_t));
    c->insn_off = calloc(n + 1, sizeof(uint32_t));
    if (!c->leader || !c->blen || !c->after || !c->insn_off)
        return -ENOMEM;
    c->site_ck = calloc(n + 1, 1);
    c->site_slot = calloc(n + 1, 1);
    c->site_ctx = malloc(n + 1);
    uint8_t *fn_start = calloc(n + 1, 1), *target = calloc(n + 1, 1);
    if (!c->site_ck || !c->site_slot || !c->site_ctx || !fn_start || !target) {
        free(fn_start);
        free(target);
        return -ENOMEM;
    }
    target[0] = 1;
    memset(c->site_ctx, -1, n + 1);
    c->leader[0] = c->leader[n] = 1;
    c->r10_ro = true;
    for (uint32_t i = 0; i < n; i++) {
        c->used |= 1u << insns[i].dst_reg;
        if (insns[i].src_reg <= 10)
            c->used |= 1u << insns[i].src_reg;
        if (BPF_CLASS(insns[i].code) == BPF_LD &&
            (BPF_MODE(insns[i].code) == BPF_ABS || BPF_MODE(insns[i].code) == BPF_IND))
            c->used |= 1u << 6; /* ld_abs/ld_ind read the ctx from r6 */
    }
    for (uint32_t i = 0; i < n; i++) {
        const struct bpf_insn *in = &insns[i];
        uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
        if (vm_insn_is_lddw(in)) {
            if (in->dst_reg == 10)
                c->r10_ro = false;
            if (in->src_reg == BPF_PSEUDO_FUNC)
                c->leader[i + 1 + (uint32_t)in->imm] = fn_start[i + 1 + (uint32_t)in->imm] =
                    target[i + 1 + (uint32_t)in->imm] = 1;
            i++;
            continue;
        }
        if ((cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_LDX) && in->dst_reg == 10)
            c->r10_ro = false;
        if (cls == BPF_STX && BPF_MODE(in->code) == BPF_ATOMIC && in->src_reg == 10 &&
            ((in->imm & BPF_FETCH) || in->imm == BPF_XCHG))
            c->r10_ro = false;
        if (cls == BPF_LD) /* ld_abs/ld_ind: may end the function */
            c->leader[i + 1] = 1;
        if (cls != BPF_JMP && cls != BPF_JMP32)
            continue;
        c->leader[i + 1] = 1;
        if (op == BPF_EXIT)
            continue;
        if (op == BPF_CALL) {
            if (in->src_reg == BPF_PSEUDO_CALL && BPF_SRC(in->code) == BPF_K) {
                c->leader[i + 1 + (uint32_t)in->imm] = fn_start[i + 1 + (uint32_t)in->imm] =
                    target[i + 1 + (uint32_t)in->imm] = 1;
                c->has_calls = true;
            }
            continue;
        }
        int32_t rel = (cls == BPF_JMP32 && op == BPF_JA) ? in->imm : in->off;
        c->leader[i + 1 + (uint32_t)rel] = target[i + 1 + (uint32_t)rel] = 1;
    }
    /* loop heads: a conditional jump back to a slot no other backward jump
     * reaches checks the budget just before that slot (the taken path then
     * costs one branch) */
    c->loop_src = malloc((n + 1) * sizeof(uint32_t));
    c->loop_hdr = calloc(n + 1, sizeof(uint32_t));
    uint8_t *nback = calloc(n + 1, 1);
    if (!c->loop_src || !c->loop_hdr || !nback) {
        free(nback);
        free(fn_start);
        free(target);
        return -ENOMEM;
    }
    memset(c->loop_src, 0xff, (n + 1) * sizeof(uint32_t));
    for (uint32_t i = 0; i < n; i++) {
        const struct bpf_insn *in = &insns[i];
        if (vm_insn_is_lddw(in)) {
            i++;
            continue;
        }
        uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
        if ((cls != BPF_JMP && cls != BPF_JMP32) || op == BPF_CALL || op == BPF_EXIT)
            continue;
        uint32_t t = i + 1 + (uint32_t)(int32_t)(cls == BPF_JMP32 && op == BPF_JA ? in->imm : in->off);
        if (t > i)
            continue;
        if (nback[t] < 2)
            nback[t]++;
        c->loop_src[t] = op == BPF_JA ? UINT32_MAX : i;
    }
    for (uint32_t i = 0; i < n; i++)
        if (nback[i] != 1)
            c->loop_src[i] = UINT32_MAX;
    free(nback);
    /* superblocks: what follows a forward conditional jump and is reached
     * from nowhere else continues the jump's block (its count was added
     * with the block; the taken edge subtracts what it skips) */
    for (uint32_t i = 1; i < n; i++) {
        if (!c->leader[i] || target[i])
            continue;
        const struct bpf_insn *p = &insns[i - 1];
        uint8_t cls = BPF_CLASS(p->code), op = BPF_OP(p->code);
        if ((cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_JA && op != BPF_CALL &&
            op != BPF_EXIT && p->off > 0 && !(i >= 2 && vm_insn_is_lddw(&insns[i - 2])))
            c->leader[i] = 0;
    }
    /* callee-saved registers to save: rbp (r10), r12 (the count), and the
     * ones of r6..r9 in use (bpf-to-bpf calls save them all per frame) */
    if (c->has_calls)
        c->used |= 0x3c0u;
    static const int r6_9[4] = {RBX, R13, R14, R15};
    c->saved[c->n_saved++] = RBP;
    c->saved[c->n_saved++] = R12;
    for (int r = 0; r < 4; r++)
        if (c->used & (1u << (r + 6)))
            c->saved[c->n_saved++] = r6_9[r];
    c->frame = JF_SIZE + (c->n_saved % 2 ? 8 : 0);
    /* blocks */
    uint32_t start = 0, count = 0;
    uint32_t *members = calloc(n + 1, sizeof(uint32_t));
    if (!members) {
        free(fn_start);
        free(target);
        return -ENOMEM;
    }
    for (uint32_t i = 0; i <= n; i++) {
        if (c->leader[i] && count) {
            c->blen[start] = count;
            for (uint32_t k = 0; k < count; k++)
                c->after[members[k]] = count - k - 1;
            count = 0;
        }
        if (i == n)
            break;
        if (c->leader[i])
            start = i;
        members[count++] = i;
        if (vm_insn_is_lddw(&insns[i]))
            i++;
    }
    c->blen[n] = 1;
    free(members);
    provenance(c, fn_start);
    free(fn_start);
    c->target = target;
    return 0;
}

static bool cpu_has_bmi2(void)
{
#if defined(__x86_64__)
    return __builtin_cpu_supports("bmi2");
#else
    return false;
#endif
}

int jit_build_image(const struct vm *vm, bool checked, unsigned flags, struct jit_image **out,
                    char *err, size_t errlen)
{
    *out = NULL;
    struct jc c = {0};
    c.vm = vm;
    c.prog = vm_get_prog(vm);
    c.len = c.prog->len;
    c.checked = checked;
    c.ctx_insns = checked ? NULL : vm_get_ctx_insns(vm);
    c.harden = flags & JIT_HARDEN;
    c.bmi2 = !(flags & JIT_NO_BMI2) && cpu_has_bmi2();
    int rc = analyse(&c);
    c.lcap = c.len + 64;
    c.lpos = malloc(c.lcap * sizeof(uint32_t));
    c.lprev = malloc(c.lcap * sizeof(uint32_t));
    if (!c.lpos || !c.lprev)
        rc = -ENOMEM;
    if (c.harden && getrandom(&c.seed, sizeof c.seed, 0) != sizeof c.seed)
        c.seed = (uint64_t)(uintptr_t)&c ^ 0x9e3779b97f4a7c15ull;
    c.seed |= 1;
    struct jit_image *img = NULL;
    size_t prev_len = SIZE_MAX;
    for (c.pass = 0; !rc && c.pass < 12; c.pass++) {
        run_pass(&c);
        if ((rc = c.err))
            break;
        bool done = c.b.len == prev_len;
        prev_len = c.b.len;
        memcpy(c.lprev, c.lpos, c.nlabels * sizeof(uint32_t));
        uint32_t *jp = realloc(c.js_prev, (c.njs + 1) * sizeof(uint32_t));
        if (!jp) {
            rc = -ENOMEM;
            break;
        }
        c.js_prev = jp;
        memcpy(c.js_prev, c.js_end, c.njs * sizeof(uint32_t));
        c.njs_prev = c.njs;
        if (done)
            break;
    }
    if (!rc) {
        /* the final pass (valid whether or not sizes converged) */
        run_pass(&c);
        rc = c.err;
    }
    if (!rc) {
        img = calloc(1, sizeof(*img));
        if (!img)
            rc = -ENOMEM;
    }
    if (!rc) {
        long page = sysconf(_SC_PAGESIZE);
        img->code_len = c.b.len;
        img->map_len = (c.b.len + (size_t)page - 1) / (size_t)page * (size_t)page;
        void *m = mmap(NULL, img->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            rc = -ENOMEM;
        } else {
            img->code = m;
            memcpy(m, c.b.p, c.b.len);
            memset((uint8_t *)m + c.b.len, 0xcc, img->map_len - c.b.len); /* int3 */
            if (mprotect(m, img->map_len, PROT_READ | PROT_EXEC) != 0)
                rc = -errno;
        }
    }
    if (!rc) {
        img->n_slots = c.len;
        img->insn_off = c.insn_off;
        c.insn_off = NULL;
        img->entry_off = malloc(c.len * sizeof(int32_t));
        img->stubs = calloc(c.nstubs + 1, sizeof(*img->stubs));
        if (!img->entry_off || !img->stubs) {
            rc = -ENOMEM;
        } else {
            for (uint32_t i = 0; i < c.len; i++)
                img->entry_off[i] = c.leader[i] ? (int32_t)c.lpos[i] : -1;
            img->body_end = c.body_end;
            img->entry_len = c.entry_len;
            if (getrandom(&img->stamp, sizeof img->stamp, 0) != sizeof img->stamp)
                img->stamp = (uintptr_t)img ^ (uintptr_t)img->code ^ 0x9e3779b97f4a7c15ull;
            img->stamp |= 1;
            if (c.n_inlined) {
                img->inlined = malloc(c.n_inlined * sizeof(*img->inlined));
                if (img->inlined) {
                    memcpy(img->inlined, c.inlined, c.n_inlined * sizeof(*img->inlined));
                    img->n_inlined = c.n_inlined;
                } else {
                    rc = -ENOMEM;
                }
            }
            img->tail_off = c.tail_off;
            for (uint32_t i = 0; i < c.nstubs; i++) {
                static const char *const what[] = {
                    [ST_FAULT] = "fault", [ST_FAULT_REG] = "fault", [ST_ACCESS] = "access slow path",
                    [ST_ONCALL] = "on_call", [ST_STOPPED] = "helper stopped the run",
                    [ST_TAKEN] = "taken jump: budget", [ST_CALL] = "the helper call",
                };
                img->stubs[i] = (struct jit_stub_info){c.lpos[c.stubs[i].label], c.stubs[i].pc,
                                                       what[c.stubs[i].kind]};
            }
            img->n_stubs = c.nstubs;
        }
    }
    if (rc) {
        if (err && errlen)
            snprintf(err, errlen, "jit: %s", rc == -ENOMEM ? "out of memory"
                                             : "internal error while compiling");
        jit_free_image(img);
        img = NULL;
    }
    free(c.b.p);
    free(c.leader);
    free(c.target);
    free(c.loop_src);
    free(c.loop_hdr);
    free(c.site_ck);
    free(c.site_slot);
    free(c.site_ctx);
    free(c.blen);
    free(c.after);
    free(c.insn_off);
    free(c.lpos);
    free(c.lprev);
    free(c.js_end);
    free(c.js_prev);
    free(c.fix);
    free(c.stubs);
    *out = img;
    return rc;
}

void jit_free_image(struct jit_image *img)
{
    if (!img)
        return;
    if (img->code)
        munmap(img->code, img->map_len);
    free(img->insn_off);
    free(img->entry_off);
    free(img->stubs);
    free(img->inlined);
    free(img);
}
