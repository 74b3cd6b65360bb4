/* The x86-64 JIT against the interpreter, instruction form by instruction
 * form: every ALU op (both widths, K and X, every register as dst and src,
 * edge values), every jump, every load/store/atomic in every region kind,
 * faults (same errno, same message), insns_executed and the budget at every
 * possible stopping point, helpers, bpf-to-bpf calls, callbacks, tail
 * calls; then code memory (W^X), the dump and the C API. Each comparison
 * runs both engines on the same memory (tests/unit/jit_diff.h). */
#include <criterion/criterion.h>
#include <inttypes.h>

#include "bpfemu.h"
#include "insn.h"
#include "jit_diff.h"

static const uint64_t vals[] = {
    0, 1, 2, 3, 7, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x1234,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x123456789abcdef0ull,
    0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    0xfffffffffffffffeull, 0xffffffff80000000ull, 0x00000001fffffffeull,
};
#define NVALS (sizeof(vals) / sizeof(vals[0]))

static const int32_t imms[] = {0, 1, -1, 2, 3, 7, 8, 16, 31, 32, 63, 64, 255, 4096, -2,
                               INT32_MAX, INT32_MIN, 0x12345678, -0x12345678, 1 << 30};
#define NIMMS (sizeof(imms) / sizeof(imms[0]))

/* jit flag sets a comparison runs under: plain always, then the ones in
 * `extra` (JIT_NO_BMI2: shifts by a register without BMI2; JIT_HARDEN:
 * blinded constants) */
static const unsigned flagsets[] = {0, JIT_NO_BMI2, JIT_HARDEN};

static void check_x(const struct bpf_insn *p, size_t n, struct jd_cfg *cfg, const char *what,
                    unsigned extra)
{
    struct jd_out interp;
    char why[512];
    for (size_t f = 0; f < sizeof flagsets / sizeof flagsets[0]; f++) {
        if (flagsets[f] && !(flagsets[f] & extra))
            continue;
        cfg->jit_flags = flagsets[f];
        if (!jd_compare(p, n, cfg, &interp, why, sizeof why)) {
            char *text = NULL;
            struct vm_prog *prog;
            char err[VM_ERR_LEN];
            if (vm_prog_from_bytes(p, n * 8, "t", &prog, err, sizeof err) == 0) {
                text = vm_disasm_prog(prog);
                vm_prog_free(prog);
            }
            cr_assert_fail("%s (jit flags 0x%x): %s\n%s", what, flagsets[f], why, text ? text : "");
            free(text);
        }
    }
    cfg->jit_flags = 0;
}

static void check(const struct bpf_insn *p, size_t n, struct jd_cfg *cfg, const char *what)
{
    check_x(p, n, cfg, what, JIT_NO_BMI2 | JIT_HARDEN);
}

/* set r0..r9 to v[], run `op` (1 or 2 slots), store r0..r9 to mem */
static size_t regdump_prog(struct bpf_insn *p, const struct bpf_insn *op, size_t op_len,
                           const uint64_t v[10])
{
    size_t n = 0;
    p[n++] = STX(BPF_DW, 10, 1, -88);
    for (int k = 0; k < 10; k++) {
        p[n++] = LDDW_LO(k, v[k]);
        p[n++] = LDDW_HI(v[k]);
    }
    for (size_t i = 0; i < op_len; i++)
        p[n++] = op[i];
    for (int k = 0; k < 10; k++)
        p[n++] = STX(BPF_DW, 10, k, -8 * (k + 1));
    p[n++] = LDX(BPF_DW, 0, 10, -88);
    for (int k = 0; k < 10; k++) {
        p[n++] = LDX(BPF_DW, 1, 10, -8 * (k + 1));
        p[n++] = STX(BPF_DW, 0, 1, 8 * k);
    }
    p[n++] = MOV64_IMM(0, 0x55);
    p[n++] = EXIT();
    return n;
}

static void check_op(struct bpf_insn op, const uint64_t v[10], const char *what)
{
    struct bpf_insn p[80];
    size_t n = regdump_prog(p, &op, 1, v);
    struct jd_cfg cfg = {0};
    uint8_t aop = BPF_OP(op.code);
    bool shift = aop == BPF_LSH || aop == BPF_RSH || aop == BPF_ARSH;
    unsigned extra = BPF_SRC(op.code) == BPF_K ? JIT_HARDEN : shift ? JIT_NO_BMI2 : 0;
    check_x(p, n, &cfg, what, extra);
}

/* every ALU instruction form: all value pairs on (r1, r2) and (r3, r0),
 * then every register pair with a few values */
struct alu_form {
    uint8_t code;
    int16_t off;
    int32_t imm;     /* for END / NEG */
    bool k;
    const char *name;
};

static void run_alu_forms(const struct alu_form *forms, size_t nforms)
{
    uint64_t v[10];
    for (size_t f = 0; f < nforms; f++) {
        const struct alu_form *a = &forms[f];
        char what[96];
        snprintf(what, sizeof what, "%s (code 0x%02x off %d)", a->name, a->code, a->off);
        static const int pairs[][2] = {{1, 2}, {3, 0}, {4, 5}, {0, 4}};
        for (size_t pi = 0; pi < 4; pi++) {
            int d = pairs[pi][0], s = pairs[pi][1];
            for (size_t i = 0; i < NVALS; i++) {
                size_t nj = a->k ? NIMMS : NVALS;
                if (pi && i % 3)
                    continue;
                for (size_t j = 0; j < nj; j += (pi ? 4 : 1)) {
                    for (int k = 0; k < 10; k++)
                        v[k] = 0x1111111111111111ull * (uint64_t)(k + 1);
                    v[d] = vals[i];
                    if (!a->k)
                        v[s] = vals[j];
                    int32_t imm = a->k ? imms[j] : 0;
                    if (a->imm || (a->code & 0xf0) == BPF_END)
                        imm = a->imm;
                    check_op(I(a->code, d, a->k ? 0 : s, a->off, imm), v, what);
                }
            }
        }
        /* every register pair, dst == src included (K forms: every dst) */
        for (int d = 0; d < 10; d++)
            for (int s = 0; s < (a->k ? 1 : 10); s++) {
                for (int k = 0; k < 10; k++)
                    v[k] = vals[(k * 5 + d + s) % NVALS] ^ (uint64_t)k;
                v[s] = vals[(d * 3 + 5) % NVALS] | 3;
                int32_t imm = a->k ? imms[(d + s) % NIMMS] : 0;
                if (a->imm || (a->code & 0xf0) == BPF_END)
                    imm = a->imm;
                check_op(I(a->code, d, a->k ? 0 : s, a->off, imm), v, what);
            }
    }
}

#define BIN(cls, op, nm) {cls | op | BPF_X, 0, 0, false, nm "_X"}, {cls | op | BPF_K, 0, 0, true, nm "_K"}
#define SIGNED(cls, op, nm) {cls | op | BPF_X, 1, 0, false, nm "_X"}, {cls | op | BPF_K, 1, 0, true, nm "_K"}

Test(jit, alu64_arith)
{
    const struct alu_form f[] = {
        BIN(BPF_ALU64, BPF_ADD, "add64"), BIN(BPF_ALU64, BPF_SUB, "sub64"),
        BIN(BPF_ALU64, BPF_MUL, "mul64"), BIN(BPF_ALU64, BPF_OR, "or64"),
        BIN(BPF_ALU64, BPF_AND, "and64"), BIN(BPF_ALU64, BPF_XOR, "xor64"),
        BIN(BPF_ALU64, BPF_MOV, "mov64"), {BPF_ALU64 | BPF_NEG, 0, 0, true, "neg64"},
    };
    run_alu_forms(f, sizeof f / sizeof f[0]);
}

Test(jit, alu32_arith)
{
    const struct alu_form f[] = {
        BIN(BPF_ALU, BPF_ADD, "add32"), BIN(BPF_ALU, BPF_SUB, "sub32"),
        BIN(BPF_ALU, BPF_MUL, "mul32"), BIN(BPF_ALU, BPF_OR, "or32"),
        BIN(BPF_ALU, BPF_AND, "and32"), BIN(BPF_ALU, BPF_XOR, "xor32"),
        BIN(BPF_ALU, BPF_MOV, "mov32"), {BPF_ALU | BPF_NEG, 0, 0, true, "neg32"},
    };
    run_alu_forms(f, sizeof f / sizeof f[0]);
}

Test(jit, shifts)
{
    const struct alu_form f[] = {
        BIN(BPF_ALU64, BPF_LSH, "lsh64"), BIN(BPF_ALU64, BPF_RSH, "rsh64"),
        BIN(BPF_ALU64, BPF_ARSH, "arsh64"), BIN(BPF_ALU, BPF_LSH, "lsh32"),
        BIN(BPF_ALU, BPF_RSH, "rsh32"), BIN(BPF_ALU, BPF_ARSH, "arsh32"),
    };
    run_alu_forms(f, sizeof f / sizeof f[0]);
}

Test(jit, div_mod)
{
    const struct alu_form f[] = {
        BIN(BPF_ALU64, BPF_DIV, "div64"), BIN(BPF_ALU64, BPF_MOD, "mod64"),
        SIGNED(BPF_ALU64, BPF_DIV, "sdiv64"), SIGNED(BPF_ALU64, BPF_MOD, "smod64"),
        BIN(BPF_ALU, BPF_DIV, "div32"), BIN(BPF_ALU, BPF_MOD, "mod32"),
        SIGNED(BPF_ALU, BPF_DIV, "sdiv32"), SIGNED(BPF_ALU, BPF_MOD, "smod32"),
    };
    run_alu_forms(f, sizeof f / sizeof f[0]);
}

Test(jit, movsx_and_byteswap)
{
    const struct alu_form f[] = {
        {BPF_ALU64 | BPF_MOV | BPF_X, 8, 0, false, "movsx8_64"},
        {BPF_ALU64 | BPF_MOV | BPF_X, 16, 0, false, "movsx16_64"},
        {BPF_ALU64 | BPF_MOV | BPF_X, 32, 0, false, "movsx32_64"},
        {BPF_ALU | BPF_MOV | BPF_X, 8, 0, false, "movsx8_32"},
        {BPF_ALU | BPF_MOV | BPF_X, 16, 0, false, "movsx16_32"},
        {BPF_ALU | BPF_END | BPF_K, 0, 16, true, "le16"},
        {BPF_ALU | BPF_END | BPF_K, 0, 32, true, "le32"},
        {BPF_ALU | BPF_END | BPF_K, 0, 64, true, "le64"},
        {BPF_ALU | BPF_END | BPF_X, 0, 16, true, "be16"},
        {BPF_ALU | BPF_END | BPF_X, 0, 32, true, "be32"},
        {BPF_ALU | BPF_END | BPF_X, 0, 64, true, "be64"},
        {BPF_ALU64 | BPF_END | BPF_K, 0, 16, true, "bswap16"},
        {BPF_ALU64 | BPF_END | BPF_K, 0, 32, true, "bswap32"},
        {BPF_ALU64 | BPF_END | BPF_K, 0, 64, true, "bswap64"},
    };
    run_alu_forms(f, sizeof f / sizeof f[0]);
}

Test(jit, lddw_and_func_pointers)
{
    uint64_t v[10] = {0};
    for (size_t i = 0; i < NVALS; i++) {
        struct bpf_insn op[2] = {LDDW(3, vals[i])};
        struct bpf_insn p[80];
        size_t n = regdump_prog(p, op, 2, v);
        struct jd_cfg cfg = {0};
        check(p, n, &cfg, "lddw");
    }
    /* a BPF_PSEUDO_FUNC lddw loads VM_FUNC_TAG | target slot */
    struct bpf_insn p[] = {I(BPF_LD | BPF_IMM | BPF_DW, 0, BPF_PSEUDO_FUNC, 0, 2), I(0, 0, 0, 0, 0),
                           EXIT(), MOV64_IMM(0, 1), EXIT()};
    struct jd_cfg cfg = {0};
    struct jd_out o;
    char why[256];
    cr_assert(jd_compare(p, N(p), &cfg, &o, why, sizeof why), "%s", why);
    cr_assert_eq(o.r0, ((uint64_t)VM_FUNC_TAG << 32) | 3);
}

/* ------------------------------------------------------------- jumps ---- */

Test(jit, jumps)
{
    static const uint8_t ops[] = {BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE, BPF_JSET,
                                  BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE};
    for (size_t o = 0; o < sizeof ops; o++)
        for (int cls = 0; cls < 2; cls++)
            for (int x = 0; x < 2; x++)
                for (size_t i = 0; i < NVALS; i++)
                    for (size_t j = 0; j < (x ? NVALS : NIMMS); j++) {
                        uint8_t code = (uint8_t)((cls ? BPF_JMP32 : BPF_JMP) | ops[o] |
                                                 (x ? BPF_X : BPF_K));
                        uint64_t b = x ? vals[j] : 0;
                        struct bpf_insn p[] = {
                            LDDW(1, vals[i]), LDDW(2, b), MOV64_IMM(0, 10),
                            I(code, 1, x ? 2 : 0, 2, x ? 0 : imms[j]),
                            MOV64_IMM(0, 20), EXIT(), ALU64_IMM(BPF_ADD, 0, 5), EXIT(),
                        };
                        struct jd_cfg cfg = {0};
                        char what[64];
                        snprintf(what, sizeof what, "jump op 0x%02x", code);
                        check_x(p, N(p), &cfg, what, x ? 0 : JIT_HARDEN);
                    }
    /* backward and forward, ja and gotol, a jump to the next insn */
    struct bpf_insn loop[] = {
        MOV64_IMM(0, 0), MOV64_IMM(1, 10),
        ALU64_IMM(BPF_ADD, 0, 3), ALU64_IMM(BPF_SUB, 1, 1),
        JMP_IMM(BPF_JNE, 1, 0, -3),
        JA(0), I(BPF_JMP32 | BPF_JA, 0, 0, 0, 1), MOV64_IMM(0, 99),
        JMP_IMM(BPF_JEQ, 0, 30, 0), EXIT(),
    };
    struct jd_cfg cfg = {0};
    check(loop, N(loop), &cfg, "loops");
}

/* ------------------------------------------------------------ memory ---- */

/* r6 = base address of a region (or r10), then the access, then r0 */
static void check_mem(struct bpf_insn access, uint64_t base, bool use_r10, const char *what,
                      unsigned extra)
{
    struct bpf_insn p[] = {
        STX(BPF_DW, 10, 1, -8), /* something on the stack */
        ST(BPF_DW, 10, -16, 0x01020304),
        ST(BPF_W, 10, -24, -5),
        use_r10 ? MOV64_REG(6, 10) : LDDW_LO(6, base),
        use_r10 ? ALU64_IMM(BPF_ADD, 6, 0) : LDDW_HI(base),
        MOV64_IMM(0, 0x1234), LDDW(7, 0xfedcba9876543210ull), MOV64_IMM(8, -3),
        access,
        ALU64_REG(BPF_ADD, 0, 7), ALU64_REG(BPF_XOR, 0, 8), EXIT(),
    };
    struct jd_cfg cfg = {.repeat = 2};
    check_x(p, N(p), &cfg, what, extra);
}

Test(jit, loads_stores_everywhere)
{
    static const uint8_t sizes[] = {BPF_B, BPF_H, BPF_W, BPF_DW};
    struct { uint64_t base; bool r10; const char *name; int lo, hi; } where[] = {
        {0, true, "stack via r10 copy", -520, 8},
        {jd_mem_addr(), false, "mem", -9, JD_MEM_LEN + 1},
        {jd_ro_addr(), false, "ro", -9, JD_RO_LEN + 1},
        {jd_pool_addr(), false, "pool", -3, JD_POOL_N * JD_POOL_STRIDE + 1},
        {jd_pool24_addr(), false, "pool24", -3, JD_POOL24_N * 24 + 1},
        {jd_ctx_addr(), false, "ctx", -5, JD_CTX_LEN + 5},
        {0, false, "null", 0, 9},
    };
    for (size_t w = 0; w < sizeof where / sizeof where[0]; w++)
        for (size_t s = 0; s < 4; s++)
            for (int off = where[w].lo; off < where[w].hi; off += (w == 0 ? 7 : 1)) {
                char what[96];
                snprintf(what, sizeof what, "%s off %d size %u", where[w].name, off,
                         vm_size_bytes(sizes[s]));
                uint64_t b = where[w].base;
                bool r10 = where[w].r10;
                check_mem(LDX(sizes[s], 0, 6, off), b, r10, what, 0);
                if (sizes[s] != BPF_DW)
                    check_mem(LDXSX(sizes[s], 0, 6, off), b, r10, what, 0);
                check_mem(STX(sizes[s], 6, 7, off), b, r10, what, 0);
                check_mem(ST(sizes[s], 6, off, -7), b, r10, what, 0);
                check_mem(ST(sizes[s], 6, off, 0x7eadbeef), b, r10, what, JIT_HARDEN);
            }
}

/* straight from r10: the accesses the JIT does not check */
Test(jit, stack_r10)
{
    static const uint8_t sizes[] = {BPF_B, BPF_H, BPF_W, BPF_DW};
    for (size_t s = 0; s < 4; s++)
        for (int off = -530; off <= 8; off += 3) {
            char what[64];
            snprintf(what, sizeof what, "r10 off %d size %u", off, vm_size_bytes(sizes[s]));
            struct bpf_insn p[] = {
                LDDW(7, 0x8899aabbccddeeffull), STX(sizes[s], 10, 7, off),
                LDX(sizes[s], 0, 10, off), ST(sizes[s], 10, off, -2),
                LDX(sizes[s], 1, 10, off), ALU64_REG(BPF_ADD, 0, 1), EXIT(),
            };
            struct jd_cfg cfg = {0};
            check(p, N(p), &cfg, what);
            if (sizes[s] != BPF_DW) {
                struct bpf_insn q[] = {ST(sizes[s], 10, off, -2), LDXSX(sizes[s], 0, 10, off), EXIT()};
                check(q, N(q), &cfg, what);
            }
        }
    /* a program that moves r10 loses the unchecked path: still exact */
    struct bpf_insn p[] = {ALU64_IMM(BPF_ADD, 10, -4096), ST(BPF_DW, 10, -8, 1),
                           LDX(BPF_DW, 0, 10, -8), EXIT()};
    struct jd_cfg cfg = {0};
    check(p, N(p), &cfg, "r10 moved below the stack");
    struct bpf_insn q[] = {ALU64_IMM(BPF_ADD, 10, -8), ST(BPF_DW, 10, -8, 1),
                           LDX(BPF_DW, 0, 10, 0), EXIT()};
    check(q, N(q), &cfg, "r10 moved inside the stack");
}

Test(jit, atomics)
{
    static const int32_t ops[] = {BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH,
                                  BPF_OR | BPF_FETCH, BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH,
                                  BPF_XCHG, BPF_CMPXCHG};
    struct { uint64_t base; bool r10; const char *name; int lo, hi; } where[] = {
        {0, true, "stack", -24, 0},
        {jd_mem_addr(), false, "mem", -8, 16},
        {jd_mem_addr() + JD_MEM_LEN - 16, false, "mem end", 0, 24},
        {jd_ro_addr(), false, "ro", 0, 8},
        {jd_pool_addr(), false, "pool", 0, 32},
        {jd_ctx_addr(), false, "ctx", 0, 8},
    };
    for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (int sz = 0; sz < 2; sz++)
            for (size_t w = 0; w < sizeof where / sizeof where[0]; w++)
                for (int off = where[w].lo; off < where[w].hi; off++)
                    for (int src = 0; src < 10; src += 3) {
                        char what[96];
                        snprintf(what, sizeof what, "atomic 0x%x %s %s off %d src r%d", ops[o],
                                 sz ? "dw" : "w", where[w].name, off, src);
                        uint64_t b = where[w].base;
                        /* r0 equal to memory sometimes, so cmpxchg succeeds */
                        struct bpf_insn p[] = {
                            ST(BPF_DW, 10, -8, 0x5555), ST(BPF_DW, 10, -16, -1),
                            ST(BPF_DW, 10, -24, 0x0f0f),
                            where[w].r10 ? MOV64_REG(6, 10) : LDDW_LO(6, b),
                            where[w].r10 ? ALU64_IMM(BPF_ADD, 6, 0) : LDDW_HI(b),
                            MOV64_IMM(0, off == -8 ? 0x5555 : 0x77),
                            LDDW(src == 0 ? 3 : src, 0x1234567890abcdefull),
                            ATOMIC(sz ? BPF_DW : BPF_W, 6, src == 0 ? 3 : src, off, ops[o]),
                            ALU64_REG(BPF_ADD, 0, src == 0 ? 3 : src),
                            LDX(BPF_DW, 1, 10, -8), ALU64_REG(BPF_XOR, 0, 1),
                            LDX(BPF_DW, 1, 10, -16), ALU64_REG(BPF_XOR, 0, 1), EXIT(),
                        };
                        struct jd_cfg cfg = {0};
                        check_x(p, N(p), &cfg, what, 0);
                        if (src == 0) { /* src r0 itself, and dst r0 as the base */
                            struct bpf_insn q[] = {
                                LDDW(0, 0x5555), ST(BPF_DW, 10, -8, 0x5555), MOV64_REG(6, 10),
                                ATOMIC(sz ? BPF_DW : BPF_W, 6, 0, -8, ops[o]),
                                LDX(BPF_DW, 1, 10, -8), ALU64_REG(BPF_XOR, 0, 1), EXIT()};
                            check_x(q, N(q), &cfg, what, 0);
                            struct bpf_insn r[] = {
                                MOV64_REG(0, 10), ALU64_IMM(BPF_ADD, 0, -8), LDDW(4, 0x33),
                                ST(BPF_DW, 10, -8, 0x5555),
                                ATOMIC(sz ? BPF_DW : BPF_W, 0, 4, 0, ops[o]),
                                LDX(BPF_DW, 1, 10, -8), ALU64_REG(BPF_XOR, 0, 1),
                                ALU64_REG(BPF_XOR, 0, 4), EXIT()};
                            check_x(r, N(r), &cfg, what, 0);
                        }
                    }
}

/* --------------------------------------------------- faults, budget ---- */

static const struct bpf_insn budget_prog[] = {
    MOV64_IMM(0, 0), MOV64_IMM(6, 5),
    /* 2: loop */
    ALU64_IMM(BPF_ADD, 0, 1), MOV64_IMM(1, 1), MOV64_IMM(2, 2), CALL(1),
    ALU64_REG(BPF_ADD, 0, 6), CALL_LOCAL(4), ALU64_IMM(BPF_SUB, 6, 1),
    JMP_IMM(BPF_JGT, 6, 0, -8), JMP_IMM(BPF_JEQ, 6, 0, 0), EXIT(),
    /* 12: subprogram */
    ALU64_IMM(BPF_ADD, 0, 100), JMP_IMM(BPF_JGE, 0, 0, 0), LDX(BPF_DW, 1, 10, -8), EXIT(),
};

Test(jit, budget_at_every_point)
{
    struct jd_out o;
    char why[512];
    struct jd_cfg cfg = {0};
    cr_assert(jd_compare(budget_prog, N(budget_prog), &cfg, &o, why, sizeof why), "%s", why);
    cr_assert_eq(o.rc, 0, "%s", o.msg);
    for (uint64_t b = 1; b <= o.insns + 2; b++) {
        cfg.budget = b;
        char what[64];
        snprintf(what, sizeof what, "budget %" PRIu64, b);
        check(budget_prog, N(budget_prog), &cfg, what);
    }
    /* an endless loop stops at exactly the budget */
    struct bpf_insn spin[] = {MOV64_IMM(0, 0), ALU64_IMM(BPF_ADD, 0, 1), JA(-2)};
    for (uint64_t b = 1; b < 40; b++) {
        cfg.budget = b;
        check(spin, N(spin), &cfg, "spin");
    }
}

Test(jit, faults_same_message)
{
    struct jd_cfg cfg = {0};
    struct bpf_insn ldabs[] = {MOV64_IMM(0, 1), MOV64_IMM(6, 2), I(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 0), EXIT()};
    check(ldabs, N(ldabs), &cfg, "ld_abs");
    struct bpf_insn kfunc[] = {MOV64_IMM(0, 1), I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 7), EXIT()};
    check(kfunc, N(kfunc), &cfg, "kfunc");
    struct bpf_insn falls[] = {MOV64_IMM(0, 1), ALU64_IMM(BPF_ADD, 0, 1)};
    check(falls, N(falls), &cfg, "fell off");
    struct bpf_insn falls2[] = {MOV64_IMM(0, 1), JMP_IMM(BPF_JEQ, 0, 2, -2)};
    check(falls2, N(falls2), &cfg, "fell off after a jump");
    struct bpf_insn unknown[] = {MOV64_IMM(0, 1), CALL(77), EXIT()};
    check(unknown, N(unknown), &cfg, "unknown helper");
    struct bpf_insn unknown0[] = {MOV64_IMM(0, 1), MOV64_IMM(4, 9), CALL(0), EXIT()};
    check(unknown0, N(unknown0), &cfg, "unknown helper #0");
    struct bpf_insn huge[] = {MOV64_IMM(0, 1), CALL(5000), EXIT()};
    check(huge, N(huge), &cfg, "helper id out of range");
    struct bpf_insn hfault[] = {MOV64_IMM(1, 42), CALL(2), EXIT()};
    check(hfault, N(hfault), &cfg, "helper fault");
    struct bpf_insn bad_memsum[] = {MOV64_IMM(1, 0x1000), MOV64_IMM(2, 8), CALL(5), EXIT()};
    check(bad_memsum, N(bad_memsum), &cfg, "helper refusing a pointer");
}

/* ------------------------------------------------------------- calls ---- */

Test(jit, helpers_and_on_call)
{
    struct jd_cfg cfg = {0};
    struct bpf_insn p[] = {
        MOV64_IMM(1, 1), MOV64_IMM(2, 2), MOV64_IMM(3, 3), MOV64_IMM(4, 4), MOV64_IMM(5, 5),
        MOV64_IMM(6, 60), MOV64_IMM(7, 70), MOV64_IMM(8, 80), MOV64_IMM(9, 90), CALL(1),
        /* the interpreter's r1..r5 keep their values after a call */
        ALU64_REG(BPF_ADD, 0, 1), ALU64_REG(BPF_ADD, 0, 5), ALU64_REG(BPF_ADD, 0, 6),
        ALU64_REG(BPF_ADD, 0, 9), MOV64_REG(6, 0), CALL(6), ALU64_REG(BPF_XOR, 0, 6),
        MOV64_REG(1, 10), ALU64_IMM(BPF_ADD, 1, -16), ST(BPF_DW, 10, -16, 0x1234),
        ST(BPF_DW, 10, -8, 0x5678), MOV64_IMM(2, 16), CALL(5), ALU64_REG(BPF_ADD, 0, 7),
        CALL(7), CALL(8), EXIT(),
    };
    check(p, N(p), &cfg, "helpers");
    /* callx: the id in a register (valid, unknown, out of range) */
    for (int64_t id = -1; id < 12; id++) {
        struct bpf_insn q[] = {LDDW(3, (uint64_t)id), MOV64_IMM(1, 7), MOV64_IMM(2, 8),
                               I(BPF_JMP | BPF_CALL | BPF_X, 3, 0, 0, 0), EXIT()};
        check(q, N(q), &cfg, "callx");
    }
}

Test(jit, bpf_to_bpf_calls)
{
    struct jd_cfg cfg = {0};
    /* the callee clobbers r6..r9 and its own stack; depth and fp seen by helpers */
    struct bpf_insn p[] = {
        MOV64_IMM(6, 6), MOV64_IMM(7, 7), MOV64_IMM(8, 8), MOV64_IMM(9, 9),
        ST(BPF_DW, 10, -8, 11), MOV64_IMM(1, 3), CALL_LOCAL(7),
        ALU64_REG(BPF_ADD, 0, 6), ALU64_REG(BPF_ADD, 0, 9), LDX(BPF_DW, 1, 10, -8),
        ALU64_REG(BPF_ADD, 0, 1), CALL(7), ALU64_REG(BPF_ADD, 0, 1), EXIT(),
        /* 14: f(r1) */
        MOV64_IMM(6, 100), MOV64_IMM(9, 900), ST(BPF_DW, 10, -8, 22), CALL(7),
        MOV64_REG(7, 0), CALL(8), ALU64_REG(BPF_ADD, 0, 7), LDX(BPF_DW, 2, 10, -8),
        ALU64_REG(BPF_ADD, 0, 2), EXIT(),
    };
    check(p, N(p), &cfg, "calls");
    /* recursion until the depth limit, from several starting depths */
    for (int n = 0; n < 10; n++) {
        struct bpf_insn r[] = {
            MOV64_IMM(1, n), CALL_LOCAL(1), EXIT(),
            /* 3: rec(r1) */
            MOV64_IMM(0, 1), JMP_IMM(BPF_JEQ, 1, 0, 4), ALU64_IMM(BPF_SUB, 1, 1), MOV64_REG(6, 1),
            CALL_LOCAL(-5), ALU64_REG(BPF_ADD, 0, 6), EXIT(),
        };
        check(r, N(r), &cfg, "recursion");
    }
}

Test(jit, callbacks)
{
    struct jd_cfg cfg = {0};
    /* loop(5, &cb, 10): cb(i, ctx) = i * ctx + depth; the callback enters at
     * a subprogram start, then mid-block (the engine declines: interpreter) */
    for (int entry = 0; entry < 2; entry++) {
        struct bpf_insn p[] = {
            MOV64_IMM(6, 3), MOV64_IMM(1, 5),
            I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 12 + entry), I(0, 0, 0, 0, 0),
            MOV64_IMM(3, 10), CALL(3), ALU64_REG(BPF_ADD, 0, 6), CALL_LOCAL(1), EXIT(),
            /* 9: g(): loop from inside a bpf-to-bpf call */
            MOV64_IMM(1, 2),
            I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 4 + entry), I(0, 0, 0, 0, 0),
            MOV64_IMM(3, 1), CALL(3), EXIT(),
            /* 15: cb */
            MOV64_REG(0, 1), ALU64_REG(BPF_MUL, 0, 2), ST(BPF_DW, 10, -8, 1), LDX(BPF_DW, 3, 10, -8),
            ALU64_REG(BPF_ADD, 0, 3), EXIT(),
        };
        check(p, N(p), &cfg, "callback");
        for (uint64_t b = 1; b < 60; b++) {
            cfg.budget = b;
            check(p, N(p), &cfg, "callback budget");
        }
        cfg.budget = 0;
    }
    /* a callback that calls back (nesting) and one that faults */
    struct bpf_insn q[] = {
        MOV64_IMM(1, 3), I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 4), I(0, 0, 0, 0, 0),
        MOV64_IMM(3, 2), CALL(3), EXIT(),
        /* 6: cb1 */
        MOV64_IMM(1, 2), I(BPF_LD | BPF_IMM | BPF_DW, 2, BPF_PSEUDO_FUNC, 0, 3), I(0, 0, 0, 0, 0),
        CALL(3), EXIT(),
        /* 11: cb2 */
        MOV64_REG(0, 1), JMP_IMM(BPF_JNE, 0, 1, 2), MOV64_IMM(1, 5), CALL(2), EXIT(),
    };
    check(q, N(q), &cfg, "nested callbacks");
}

Test(jit, tail_calls)
{
    /* prog A counts in mem[0] and tail-calls B; B tail-calls itself until
     * the limit of 33 */
    struct bpf_insn a[] = {LDX(BPF_DW, 2, 1, 0), ALU64_IMM(BPF_ADD, 2, 1), STX(BPF_DW, 1, 2, 0),
                           CALL(4), MOV64_IMM(0, 7), EXIT()};
    struct bpf_insn b[] = {LDX(BPF_DW, 2, 1, 8), ALU64_IMM(BPF_ADD, 2, 1), STX(BPF_DW, 1, 2, 8),
                           MOV64_REG(6, 1), CALL(4), MOV64_REG(1, 6), LDX(BPF_DW, 0, 1, 8), EXIT()};
    struct jd_cfg cfg = {.next = b, .next_len = N(b)};
    check(a, N(a), &cfg, "tail calls");
    for (uint64_t bud = 1; bud < 30; bud++) {
        cfg.budget = bud;
        check(a, N(a), &cfg, "tail calls, budget");
    }
}

/* ---------------------------------------------------- region caches ---- */

static int shrink_ctx(struct vm_run *run, const struct vm_region *r, uint32_t off, unsigned size,
                      bool write, uint64_t *value, const char **why)
{
    *value = off;
    return 0;
}

Test(jit, cache_follows_region_changes)
{
    /* sum mem[0..n) with loads at one site; runs before and after the
     * region shrinks must fault (or not) as the interpreter does */
    struct bpf_insn p[] = {
        MOV64_IMM(0, 0), MOV64_REG(3, 1), MOV64_IMM(4, 64),
        LDX(BPF_B, 5, 3, 0), ALU64_REG(BPF_ADD, 0, 5), ALU64_IMM(BPF_ADD, 3, 1),
        ALU64_IMM(BPF_SUB, 4, 1), JMP_IMM(BPF_JNE, 4, 0, -5), EXIT(),
    };
    for (int jit = 0; jit < 2; jit++) {
        static uint8_t buf[64];
        for (int i = 0; i < 64; i++)
            buf[i] = (uint8_t)i;
        char err[VM_ERR_LEN];
        struct vm_prog *prog;
        struct vm *vm;
        cr_assert_eq(vm_prog_from_bytes(p, sizeof p, "t", &prog, err, sizeof err), 0);
        cr_assert_eq(vm_create(prog, &vm, err, sizeof err), 0, "%s", err);
        vm_prog_free(prog);
        if (jit)
            cr_assert_eq(jit_compile(vm, JIT_CHECKED, err, sizeof err), 0, "%s", err);
        struct vm_run *run = calloc(1, sizeof(*run));
        vm_run_init(run, vm);
        run->args[0] = (uintptr_t)buf;
        vm_run_add_region(run, buf, 64, VM_REGION_RW, 0, "buf");
        cr_assert_eq(vm_run_exec(run), 0, "%s", run->errmsg);
        cr_assert_eq(run->r0, 63 * 64 / 2);
        run->regions[0].end -= 10; /* in place, as helpers do */
        vm_run_regions_changed(run);
        cr_assert_eq(vm_run_exec(run), -EFAULT);
        cr_assert(strstr(run->errmsg, "insn 3"), "%s", run->errmsg);
        cr_assert_eq(run->insns_executed, 3 + 54 * 5 + 1, "%d: %" PRIu64, jit, run->insns_executed);
        /* a ctx region replacing it: the accessor answers, nothing cached */
        run->regions[0].end += 10;
        run->regions[0].flags |= VM_REGION_CTX;
        run->regions[0].ctx_access = shrink_ctx;
        vm_run_regions_changed(run);
        cr_assert_eq(vm_run_exec(run), 0, "%s", run->errmsg);
        cr_assert_eq(run->r0, 63 * 64 / 2);
        free(run);
        vm_destroy(vm);
    }
}

/* ----------------------------------------------------- trusted mode ---- */

Test(jit, trusted_mode)
{
    struct jd_cfg cfg = {.trusted = true};
    /* verified programs never read r1..r5 after a call: give every call
     * all its arguments (trusted code does not keep them) */
    struct bpf_insn calls[] = {
        MOV64_IMM(0, 0), MOV64_IMM(6, 5),
        ALU64_IMM(BPF_ADD, 0, 1), MOV64_IMM(1, 1), MOV64_IMM(2, 2), MOV64_IMM(3, 3),
        MOV64_IMM(4, 4), MOV64_IMM(5, 5), CALL(1), ALU64_REG(BPF_ADD, 0, 6), CALL_LOCAL(4),
        ALU64_IMM(BPF_SUB, 6, 1), JMP_IMM(BPF_JGT, 6, 0, -11), JMP_IMM(BPF_JEQ, 6, 0, 0), EXIT(),
        ALU64_IMM(BPF_ADD, 0, 100), JMP_IMM(BPF_JGE, 0, 0, 0), LDX(BPF_DW, 1, 10, -8), EXIT(),
    };
    check(calls, N(calls), &cfg, "trusted");
    struct bpf_insn p[] = {
        LDX(BPF_DW, 2, 1, 8), ALU64_IMM(BPF_ADD, 2, 9), STX(BPF_DW, 1, 2, 16),
        ATOMIC(BPF_DW, 1, 2, 24, BPF_ADD | BPF_FETCH), MOV64_REG(0, 2), EXIT(),
    };
    check(p, N(p), &cfg, "trusted memory");
}

/* ------------------------------------------------- memory, dump, API ---- */

Test(jit, code_is_never_writable_and_executable)
{
    char err[VM_ERR_LEN];
    struct vm_prog *prog;
    struct vm *vm;
    cr_assert_eq(vm_prog_from_bytes(budget_prog, sizeof budget_prog, "t", &prog, err, sizeof err), 0);
    cr_assert_eq(vm_create(prog, &vm, err, sizeof err), 0);
    vm_prog_free(prog);
    cr_assert_eq(jit_compile(vm, JIT_CHECKED | JIT_TRUSTED, err, sizeof err), 0, "%s", err);
    FILE *f = fopen("/proc/self/maps", "r");
    cr_assert(f);
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char perm[8] = "";
        sscanf(line, "%*s %7s", perm);
        cr_assert(!(perm[1] == 'w' && perm[2] == 'x'), "writable and executable: %s", line);
    }
    fclose(f);
    vm_destroy(vm);
}

Test(jit, dump_interleaves_and_hardening_hides_constants)
{
    struct bpf_insn p[] = {LDDW(0, 0x1122334455667788ull), ALU64_IMM(BPF_ADD, 0, 0x5eadbeef),
                           JMP_IMM(BPF_JEQ, 0, 0x4bcdef12, 0), EXIT()};
    char err[VM_ERR_LEN];
    struct vm_prog *prog;
    struct vm *vm;
    cr_assert_eq(vm_prog_from_bytes(p, sizeof p, "t", &prog, err, sizeof err), 0);
    cr_assert_eq(vm_create(prog, &vm, err, sizeof err), 0);
    vm_prog_free(prog);
    for (int harden = 0; harden < 2; harden++) {
        struct jit_prog *jp;
        cr_assert_eq(jit_prog_create(vm, JIT_CHECKED | (harden ? JIT_HARDEN : 0), &jp, err,
                                     sizeof err), 0, "%s", err);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        cr_assert_eq(jit_dump(f, jp, JIT_CHECKED, NULL, 0), 0);
        fclose(f);
        cr_assert(strstr(text, "\n   2: r0 += 1588444911\n"), "%s", text);
        cr_assert(strstr(text, "code size:"));
        /* the native lines only ("  addr:  bytes  insn"; eBPF lines are
         * "   N: text") */
        char *native = calloc(1, len + 1);
        size_t nlen = 0;
        for (char *l = text; l && *l;) {
            char *nl = strchr(l, '\n');
            size_t n = nl ? (size_t)(nl - l + 1) : strlen(l);
            char *colon = memchr(l, ':', n);
            if (l[0] == ' ' && colon && colon[1] == ' ' && colon[2] == ' ') {
                memcpy(native + nlen, l, n);
                nlen += n;
            }
            l = nl ? nl + 1 : NULL;
        }
        bool plain = strstr(native, "0x5eadbeef") && strstr(native, "0x4bcdef12") &&
                     strstr(native, "0x1122334455667788");
        bool any = strstr(native, "0x5eadbeef") || strstr(native, "0x4bcdef12") ||
                   strstr(native, "0x1122334455667788") || strstr(native, "ef be ad 5e");
        if (harden)
            cr_assert(!any, "a constant is visible in hardened code:\n%s", text);
        else
            cr_assert(plain, "%s", text);
        free(native);
        cr_assert_gt(jit_code_size(jp, JIT_CHECKED), 0);
        cr_assert_eq(jit_code_size(jp, JIT_TRUSTED), 0);
        free(text);
        jit_prog_free(jp);
    }
    vm_destroy(vm);
}

static uint64_t api_helper(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, bpfemu_run *run)
{
    return a * 3 + *(uint64_t *)bpfemu_run_user(run);
}

Test(jit, c_api)
{
    char err[256];
    bpfemu_vm *vm = bpfemu_create();
    uint64_t user = 1000;
    bpfemu_set_user(vm, &user);
    cr_assert_eq(bpfemu_set_jit(vm, true), 0);
    cr_assert_eq(bpfemu_load_asm(vm, "r2 = *(u32 *)(r1 +4)\nr1 = r2\ncall 9\nexit\n", err, sizeof err),
                 0, "%s", err);
    cr_assert_eq(bpfemu_register_helper(vm, 9, "h", api_helper), 0);
    uint32_t mem[2] = {1, 14};
    uint64_t r0;
    cr_assert_eq(bpfemu_exec(vm, mem, sizeof mem, &r0, err, sizeof err), 0, "%s", err);
    cr_assert_eq(r0, 1042);
    cr_assert_eq(bpfemu_insns_executed(vm), 4);
    cr_assert_lt(bpfemu_exec(vm, mem, 6, &r0, err, sizeof err), 0);
    cr_assert(strstr(err, "insn 0 (r2 = *(u32 *)(r1 +4))"), "%s", err);
    cr_assert_eq(bpfemu_set_checked(vm, false), 0);
    cr_assert_eq(bpfemu_exec(vm, mem, sizeof mem, &r0, err, sizeof err), 0, "%s", err);
    cr_assert_eq(r0, 1042);
    cr_assert_eq(bpfemu_set_jit(vm, false), 0);
    cr_assert_eq(bpfemu_exec(vm, mem, sizeof mem, &r0, err, sizeof err), 0, "%s", err);
    cr_assert_eq(r0, 1042);
    bpfemu_destroy(vm);
}

/* helper 10 compiled inline (vm_helper_inline): same results as the call,
 * and the call itself when a mock replaced it, on_call is set, the key is
 * not on the stack or r1 is not the described map */
Test(jit, inlined_array_lookup)
{
    for (int variant = 0; variant < 4; variant++)
        for (uint32_t key = 0; key < 10; key++) {
            struct bpf_insn p[] = {
                ST(BPF_W, 10, -4, (int32_t)key), ST(BPF_W, 1, 0, (int32_t)(key ^ 1)),
                MOV64_REG(6, 1), MOV64_REG(2, 10), ALU64_IMM(BPF_ADD, 2, -4),
                variant == 1 ? MOV64_REG(2, 1) : ALU64_IMM(BPF_ADD, 2, 0),
                LDDW(1, variant == 2 ? JD_ARRAY_MAP + 1 : JD_ARRAY_MAP), CALL(10),
                JMP_IMM(BPF_JEQ, 0, 0, 4), LDX(BPF_DW, 3, 0, 0), ST(BPF_W, 0, 4, 77),
                /* past the value's 12 bytes: checked, faults */
                variant == 3 ? LDX(BPF_W, 4, 0, 12) : MOV64_IMM(4, 0), ALU64_REG(BPF_ADD, 0, 3),
                /* a key computed through a copy of r2, checked at run time */
                MOV64_REG(7, 0), MOV64_REG(3, 10), ALU64_IMM(BPF_ADD, 3, -4), MOV64_REG(2, 3),
                LDDW(1, JD_ARRAY_MAP), CALL(10), ALU64_REG(BPF_XOR, 0, 7), EXIT(),
            };
            for (int k = 0; k < 5; k++) {
                struct jd_cfg cfg = {.no_on_call = k != 1, .mock_after_jit = k == 2,
                                     .repeat = variant == 3 ? 3 : 1, .no_regions = k == 4};
                if (k == 3)
                    cfg.budget = 9 + key;
                char what[64];
                snprintf(what, sizeof what, "inline lookup variant %d key %u case %d", variant, key, k);
                check(p, N(p), &cfg, what);
            }
        }
}
