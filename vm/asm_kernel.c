/* vm/asm_kernel.c - the kernel/LLVM assembly syntax.
 *
 * What the kernel's verifier log and `bpftool prog dump xlated` print
 * (kernel/bpf/disasm.c), which is also what vm_disasm_insn prints, plus the
 * spellings LLVM uses for the same instructions: `(r1 + 4)` for `(r1 +4)`,
 * `goto +5 <LBB0_2>` for `goto pc+5`, `r1 = 5 ll`, `callx r2`,
 * `w2 = atomic_fetch_add((u32 *)(r1 + 0), w2)`, `r2 = xchg_64(r1 + 0, r2)`.
 * Jump targets may also be label names.
 *
 * The parser is a cursor over the NUL-terminated line; each form is
 * recognised by its first distinctive token.
 */
#include "vm/asm_int.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ cursor ---- */

/* Match literal s (after spaces) and advance past it. */
static bool lit(const char **pp, const char *s)
{
    const char *p = vm_asm_skip_ws(*pp);
    size_t n = strlen(s);
    if (strncmp(p, s, n) != 0)
        return false;
    *pp = p + n;
    return true;
}

/* Match the whole word w (an identifier, not a prefix of a longer one). */
static bool word(const char **pp, const char *w)
{
    const char *p = vm_asm_skip_ws(*pp);
    size_t n = strlen(w);
    if (strncmp(p, w, n) != 0 || vm_asm_is_ident_char(p[n]))
        return false;
    *pp = p + n;
    return true;
}

static int expect(const struct vm_asm_line *ln, const char **pp, const char *s)
{
    if (lit(pp, s))
        return 0;
    char what[48];
    snprintf(what, sizeof(what), "expected '%s', got", s);
    return vm_asm_err_at(ln, what, vm_asm_skip_ws(*pp));
}

static int at_end(const struct vm_asm_line *ln, const char *p)
{
    p = vm_asm_skip_ws(p);
    return *p ? vm_asm_err_at(ln, "unexpected", p) : 0;
}

static bool peek_reg(const char *p)
{
    unsigned r;
    bool w;
    return vm_asm_scan_reg(vm_asm_skip_ws(p), false, true, &r, &w) > 0;
}

/* A register of either width. */
static int reg_any(const struct vm_asm_line *ln, const char **pp, unsigned *r, bool *w)
{
    return vm_asm_parse_reg(ln, pp, false, true, r, w);
}

/* A 64-bit register (`rN`). */
static int reg64(const struct vm_asm_line *ln, const char **pp, unsigned *r)
{
    bool w;
    if (reg_any(ln, pp, r, &w))
        return -1;
    if (w)
        return vm_asm_err(ln, "expected 64-bit register, got 'w%u'", *r);
    return 0;
}

/* A register whose width must be `want_w`. */
static int reg_width(const struct vm_asm_line *ln, const char **pp, bool want_w, unsigned *r)
{
    bool w;
    if (reg_any(ln, pp, r, &w))
        return -1;
    if (w != want_w)
        return vm_asm_err(ln, "register '%c%u' mixes 32-bit and 64-bit registers", w ? 'w' : 'r',
                          *r);
    return 0;
}

static void set_imm64(struct vm_asm_out *out, uint64_t v)
{
    uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
    memcpy(&out->insn[0].imm, &lo, sizeof(lo));
    memcpy(&out->insn[1].imm, &hi, sizeof(hi));
}

static void lddw(struct vm_asm_out *out, unsigned dst, unsigned src, uint64_t v)
{
    out->insn[0] = vm_asm_insn(BPF_LD | BPF_IMM | BPF_DW, dst, src, 0, 0);
    out->insn[1] = vm_asm_insn(0, 0, 0, 0, 0);
    set_imm64(out, v);
    out->n = 2;
}

/* ----------------------------------------------------------- operands ---- */

/* `(u32 *)` (also `(s16 *)` when sx_ok). */
static int size_cast(const struct vm_asm_line *ln, const char **pp, bool sx_ok, uint8_t *size,
                     bool *sx)
{
    static const struct {
        const char *name;
        uint8_t size;
        bool sx;
    } sizes[] = {{"u8", BPF_B, false},  {"u16", BPF_H, false}, {"u32", BPF_W, false},
                 {"u64", BPF_DW, false}, {"s8", BPF_B, true},  {"s16", BPF_H, true},
                 {"s32", BPF_W, true}};
    if (expect(ln, pp, "("))
        return -1;
    const char *p = vm_asm_skip_ws(*pp);
    size_t n = vm_asm_ident_len(p);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        if (strlen(sizes[i].name) != n || memcmp(p, sizes[i].name, n) != 0)
            continue;
        if (sizes[i].sx && !sx_ok)
            break;
        *size = sizes[i].size;
        *sx = sizes[i].sx;
        *pp = p + n;
        if (expect(ln, pp, "*") || expect(ln, pp, ")"))
            return -1;
        return 0;
    }
    return vm_asm_err_at(ln, "invalid size", p);
}

/* `(rN +off)`, `(rN - 0x8)`, `(rN)` */
static int mem_addr(const struct vm_asm_line *ln, const char **pp, unsigned *reg, int16_t *off)
{
    if (expect(ln, pp, "(") || reg64(ln, pp, reg))
        return -1;
    const char *p = vm_asm_skip_ws(*pp);
    *off = 0;
    if ((*p == '+' || *p == '-') && vm_asm_parse_signed(ln, &p, 'o', off))
        return -1;
    *pp = p;
    return expect(ln, pp, ")");
}

/* `*(u32 *)(r1 +4)` */
static int mem_operand(const struct vm_asm_line *ln, const char **pp, bool sx_ok, uint8_t *size,
                       bool *sx, unsigned *reg, int16_t *off)
{
    if (expect(ln, pp, "*") || size_cast(ln, pp, sx_ok, size, sx))
        return -1;
    return mem_addr(ln, pp, reg, off);
}

/* A jump target: `pc+5`, `+5`, `-0x3`, `5`, or a label; then llvm-objdump's
 * `<LBB0_2>` / `<.text+0x30>` annotation, which we ignore. */
static int target(const struct vm_asm_line *ln, const char **pp, char kind, struct vm_asm_out *out)
{
    void *field = kind == 'o' ? (void *)&out->insn[0].off : (void *)&out->insn[0].imm;
    const char *p = vm_asm_skip_ws(*pp);
    if (strncmp(p, "pc", 2) == 0 && (p[2] == '+' || p[2] == '-'))
        p += 2;
    if (*p == '+' || *p == '-') {
        if (vm_asm_parse_signed(ln, &p, kind, field))
            return -1;
    } else if (vm_asm_is_digit(*p)) {
        if (vm_asm_parse_num(ln, &p, kind, field))
            return -1;
    } else {
        size_t n = vm_asm_ident_len(p);
        if (n == 0)
            return vm_asm_err_at(ln, "expected jump target, got", p);
        out->ref = kind == 'o' ? VM_ASM_REF_OFF : VM_ASM_REF_IMM;
        out->ref_name = p;
        out->ref_len = n;
        p += n;
    }
    p = vm_asm_skip_ws(p);
    if (*p == '<') {
        const char *close = strchr(p, '>');
        if (!close)
            return vm_asm_err_at(ln, "expected '>' after", p);
        p = close + 1;
    }
    *pp = p;
    return 0;
}

/* ---------------------------------------------------------- operators ---- */

struct op_str {
    const char *s;
    uint8_t op;
    int16_t off; /* 1 for the signed div/mod */
};

/* Longest first, so that `s>>=` is not read as something shorter. */
static const struct op_str alu_ops[] = {
    {"s>>=", BPF_ARSH, 0}, {"<<=", BPF_LSH, 0}, {">>=", BPF_RSH, 0}, {"s/=", BPF_DIV, 1},
    {"s%=", BPF_MOD, 1},   {"+=", BPF_ADD, 0},  {"-=", BPF_SUB, 0},  {"*=", BPF_MUL, 0},
    {"/=", BPF_DIV, 0},    {"|=", BPF_OR, 0},   {"&=", BPF_AND, 0},  {"%=", BPF_MOD, 0},
    {"^=", BPF_XOR, 0},    {"=", BPF_MOV, 0},
};

static const struct op_str jmp_ops[] = {
    {"s>=", BPF_JSGE, 0}, {"s<=", BPF_JSLE, 0}, {"s>", BPF_JSGT, 0}, {"s<", BPF_JSLT, 0},
    {"==", BPF_JEQ, 0},   {"!=", BPF_JNE, 0},   {">=", BPF_JGE, 0},  {"<=", BPF_JLE, 0},
    {">", BPF_JGT, 0},    {"<", BPF_JLT, 0},    {"&", BPF_JSET, 0},
};

static const struct op_str atomic_ops[] = {
    {"+=", BPF_ADD, 0}, {"|=", BPF_OR, 0}, {"&=", BPF_AND, 0}, {"^=", BPF_XOR, 0},
};

static const struct op_str *match_op(const char **pp, const struct op_str *ops, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lit(pp, ops[i].s))
            return &ops[i];
    return NULL;
}

#define MATCH_OP(pp, table) match_op(pp, table, sizeof(table) / sizeof(table[0]))

/* -------------------------------------------------------------- forms ---- */

/* `dst op= src|imm`, where op is not `=` */
static int alu_compound(const struct vm_asm_line *ln, const char *p, unsigned dst, bool w,
                        const struct op_str *op, struct vm_asm_out *out)
{
    uint8_t code = (uint8_t)((w ? BPF_ALU : BPF_ALU64) | op->op);
    unsigned src = 0;
    int32_t imm = 0;
    if (peek_reg(p)) {
        if (reg_width(ln, &p, w, &src))
            return -1;
        code |= BPF_X;
    } else if (vm_asm_parse_num(ln, &p, 'i', &imm)) {
        return -1;
    }
    out->insn[0] = vm_asm_insn(code, dst, src, op->off, imm);
    return at_end(ln, p);
}

/* `rN = NUMBER [ll]`: lddw when `ll` or the listing's opcode (18) says so;
 * mov when the listing's opcode (b7) says so; otherwise mov when the value
 * fits a mov's sign-extended imm32 and lddw when it does not, so that the
 * kernel's `r1 = 0xffffffff` (a lddw) keeps its value. */
static int assign_number(const struct vm_asm_line *ln, const char *p, unsigned dst, bool w,
                         struct vm_asm_out *out)
{
    const char *start = vm_asm_skip_ws(p);
    struct vm_asm_num num;
    size_t len = vm_asm_scan_num(start, &num);
    if (len == 0)
        return vm_asm_err_at(ln, vm_asm_is_digit(*start) ? "invalid number" : "expected operand, got",
                             start);
    const char *after = start + len;
    bool ll = word(&after, "ll");
    if (w) {
        if (ll)
            return vm_asm_err(ln, "lddw ('ll') needs a 64-bit register, got 'w%u'", dst);
        int32_t imm;
        if (vm_asm_parse_num(ln, &p, 'i', &imm))
            return -1;
        out->insn[0] = vm_asm_insn(BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, imm);
        return at_end(ln, p);
    }
    bool mov = ln->opcode_hint == (BPF_ALU64 | BPF_MOV | BPF_K);
    if (ll || ln->opcode_hint == (BPF_LD | BPF_IMM | BPF_DW) ||
        (!mov && !vm_asm_num_fits_s32(&num))) {
        uint64_t v;
        if (vm_asm_parse_num(ln, &p, 'q', &v))
            return -1;
        lddw(out, dst, 0, v);
        return at_end(ln, after);
    }
    int32_t imm;
    if (vm_asm_parse_num(ln, &p, 'i', &imm))
        return -1;
    out->insn[0] = vm_asm_insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
    return at_end(ln, p);
}

/* `rN = -rN` */
static int assign_neg(const struct vm_asm_line *ln, const char *p, unsigned dst, bool w,
                      struct vm_asm_out *out)
{
    unsigned src;
    p = vm_asm_skip_ws(p) + 1; /* the '-' */
    if (reg_width(ln, &p, w, &src))
        return -1;
    if (src != dst)
        return vm_asm_err(ln, "neg must use one register ('%c%u = -%c%u')", w ? 'w' : 'r', dst,
                          w ? 'w' : 'r', dst);
    out->insn[0] = vm_asm_insn((uint8_t)((w ? BPF_ALU : BPF_ALU64) | BPF_NEG), dst, 0, 0, 0);
    return at_end(ln, p);
}

/* `r0 = (s8)r1`, `w0 = (s16)w1` */
static int assign_movsx(const struct vm_asm_line *ln, const char *p, unsigned dst, bool w,
                        struct vm_asm_out *out)
{
    int16_t off;
    if (expect(ln, &p, "("))
        return -1;
    if (word(&p, "s8"))
        off = 8;
    else if (word(&p, "s16"))
        off = 16;
    else if (!w && word(&p, "s32"))
        off = 32;
    else
        return vm_asm_err_at(ln, w ? "expected (s8) or (s16), got" : "expected (s8), (s16) or "
                                                                      "(s32), got",
                             vm_asm_skip_ws(p));
    unsigned src;
    if (expect(ln, &p, ")") || reg_width(ln, &p, w, &src))
        return -1;
    out->insn[0] = vm_asm_insn((uint8_t)((w ? BPF_ALU : BPF_ALU64) | BPF_MOV | BPF_X), dst, src,
                               off, 0);
    return at_end(ln, p);
}

/* `r0 = be16 r0`, `r0 = le32 r0`, `r0 = bswap64 r0`; returns 1 if p is not
 * one of these words. */
static int assign_endian(const struct vm_asm_line *ln, const char *p, unsigned dst, bool w,
                         struct vm_asm_out *out)
{
    static const struct {
        const char *name;
        uint8_t code;
    } kinds[] = {{"be", BPF_ALU | BPF_END | BPF_TO_BE},
                 {"le", BPF_ALU | BPF_END | BPF_TO_LE},
                 {"bswap", BPF_ALU64 | BPF_END}};
    static const char *const widths[] = {"16", "32", "64"};
    p = vm_asm_skip_ws(p);
    for (size_t k = 0; k < 3; k++) {
        size_t kl = strlen(kinds[k].name);
        if (strncmp(p, kinds[k].name, kl) != 0)
            continue;
        for (size_t i = 0; i < 3; i++) {
            const char *q = p + kl;
            if (!word(&q, widths[i]) || q != p + kl + 2)
                continue;
            unsigned src;
            if (reg_width(ln, &q, w, &src))
                return -1;
            if (src != dst)
                return vm_asm_err(ln, "'%s%s' must use one register ('r%u = %s%s r%u')",
                                  kinds[k].name, widths[i], dst, kinds[k].name, widths[i], dst);
            out->insn[0] = vm_asm_insn(kinds[k].code, dst, 0, 0, 16 << i);
            return at_end(ln, q);
        }
    }
    return 1;
}

/* `r0 = *(u8 *)skb[5]`, `r0 = *(u16 *)skb[r1 + 5]` (legacy packet loads) */
static int assign_skb(const struct vm_asm_line *ln, const char *p, unsigned dst, uint8_t size,
                      struct vm_asm_out *out)
{
    if (dst != 0)
        return vm_asm_err(ln, "skb loads always load into r0, got 'r%u'", dst);
    if (size == BPF_DW)
        return vm_asm_err(ln, "skb loads are u8, u16 or u32");
    if (expect(ln, &p, "["))
        return -1;
    int32_t imm = 0;
    if (peek_reg(p)) {
        unsigned src;
        if (reg64(ln, &p, &src))
            return -1;
        if (lit(&p, "+")) {
            if (vm_asm_parse_num(ln, &p, 'i', &imm))
                return -1;
        } else if (*vm_asm_skip_ws(p) == '-') {
            if (vm_asm_parse_signed(ln, &p, 'i', &imm))
                return -1;
        }
        out->insn[0] = vm_asm_insn((uint8_t)(BPF_LD | BPF_IND | size), 0, src, 0, imm);
    } else {
        if (vm_asm_parse_num(ln, &p, 'i', &imm))
            return -1;
        out->insn[0] = vm_asm_insn((uint8_t)(BPF_LD | BPF_ABS | size), 0, 0, 0, imm);
    }
    if (expect(ln, &p, "]"))
        return -1;
    return at_end(ln, p);
}

/* `r0 = *(u32 *)(r1 +4)`, `r0 = *(s16 *)(r1 -2)`, and the skb forms */
static int assign_load(const struct vm_asm_line *ln, const char *p, unsigned dst, bool w,
                       struct vm_asm_out *out)
{
    uint8_t size;
    bool sx;
    if (expect(ln, &p, "*") || size_cast(ln, &p, true, &size, &sx))
        return -1;
    if (word(&p, "skb")) {
        if (w || sx)
            return vm_asm_err(ln, "skb loads are 'r0 = *(uN *)skb[...]'");
        return assign_skb(ln, p, dst, size, out);
    }
    /* LLVM writes 32-bit loads into w registers; the encoding is the same. */
    if (w && (sx || size == BPF_DW))
        return vm_asm_err(ln, "a w register cannot take a %s load", sx ? "sign-extending" : "u64");
    unsigned src;
    int16_t off;
    if (mem_addr(ln, &p, &src, &off))
        return -1;
    out->insn[0] = vm_asm_insn((uint8_t)(BPF_LDX | (sx ? BPF_MEMSX : BPF_MEM) | size), dst, src,
                               off, 0);
    return at_end(ln, p);
}

/* Check that a register written in an atomic's argument list is the one the
 * encoding implies. */
static int same_reg(const struct vm_asm_line *ln, unsigned got, unsigned want, const char *role)
{
    if (got == want)
        return 0;
    return vm_asm_err(ln, "%s must be r%u, got r%u", role, want, got);
}

/* A register, w allowed only for 32-bit atomics. */
static int atomic_reg(const struct vm_asm_line *ln, const char **pp, uint8_t size, unsigned *r)
{
    bool w;
    if (reg_any(ln, pp, r, &w))
        return -1;
    if (w && size != BPF_W)
        return vm_asm_err(ln, "a 64-bit atomic takes r registers, got 'w%u'", *r);
    return 0;
}

/* The kernel's `r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)`, `atomic_xchg`,
 * `r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)`; `atomic_` with a u64
 * pointer as LLVM writes it. Returns 1 if p names none of these. */
static int assign_atomic_fn(const struct vm_asm_line *ln, const char *p, unsigned dst,
                            struct vm_asm_out *out)
{
    static const struct {
        const char *name;
        int32_t imm;
    } fns[] = {{"fetch_add", BPF_ADD | BPF_FETCH}, {"fetch_and", BPF_AND | BPF_FETCH},
               {"fetch_or", BPF_OR | BPF_FETCH},   {"fetch_xor", BPF_XOR | BPF_FETCH},
               {"xchg", BPF_XCHG},                 {"cmpxchg", BPF_CMPXCHG}};
    p = vm_asm_skip_ws(p);
    bool is64 = strncmp(p, "atomic64_", 9) == 0;
    if (!is64 && strncmp(p, "atomic_", 7) != 0)
        return 1;
    const char *name = p + (is64 ? 9 : 7);
    size_t n = vm_asm_ident_len(name);
    int32_t imm = -1;
    for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
        if (strlen(fns[i].name) == n && memcmp(name, fns[i].name, n) == 0)
            imm = fns[i].imm;
    if (imm < 0)
        return vm_asm_err(ln, "unknown atomic function '%.*s'", (int)(name + n - p), p);
    p = name + n;
    uint8_t size;
    bool sx;
    unsigned base, src, cmp = 0;
    int16_t off;
    if (expect(ln, &p, "(") || size_cast(ln, &p, false, &size, &sx) ||
        mem_addr(ln, &p, &base, &off) || expect(ln, &p, ","))
        return -1;
    if (size != BPF_W && size != BPF_DW)
        return vm_asm_err(ln, "atomics are u32 or u64");
    if (is64 && size != BPF_DW)
        return vm_asm_err(ln, "atomic64_ functions take a (u64 *) pointer");
    if (imm == BPF_CMPXCHG &&
        (atomic_reg(ln, &p, size, &cmp) || same_reg(ln, cmp, 0, "cmpxchg's comparand") ||
         expect(ln, &p, ",")))
        return -1;
    if (atomic_reg(ln, &p, size, &src) || expect(ln, &p, ")"))
        return -1;
    if (same_reg(ln, dst, imm == BPF_CMPXCHG ? 0 : src, "the result register"))
        return -1;
    out->insn[0] = vm_asm_insn((uint8_t)(BPF_STX | BPF_ATOMIC | size), base, src, off, imm);
    return at_end(ln, p);
}

/* LLVM's `r2 = xchg_64(r1 + 0, r2)`, `w2 = xchg32_32(r1 + 0, w2)`,
 * `r0 = cmpxchg_64(r1 + 0, r0, r2)`, `w0 = cmpxchg32_32(r1 + 0, w0, w2)`.
 * Returns 1 if p names none of these. */
static int assign_llvm_xchg(const struct vm_asm_line *ln, const char *p, unsigned dst,
                            struct vm_asm_out *out)
{
    static const struct {
        const char *name;
        int32_t imm;
        uint8_t size;
    } fns[] = {{"xchg_64", BPF_XCHG, BPF_DW},
               {"xchg32_32", BPF_XCHG, BPF_W},
               {"cmpxchg_64", BPF_CMPXCHG, BPF_DW},
               {"cmpxchg32_32", BPF_CMPXCHG, BPF_W}};
    size_t k = 0;
    while (k < sizeof(fns) / sizeof(fns[0]) && !word(&p, fns[k].name))
        k++;
    if (k == sizeof(fns) / sizeof(fns[0]))
        return 1;
    uint8_t size = fns[k].size;
    unsigned base, src, cmp = 0;
    int16_t off = 0;
    if (expect(ln, &p, "(") || reg64(ln, &p, &base))
        return -1;
    p = vm_asm_skip_ws(p);
    if ((*p == '+' || *p == '-') && vm_asm_parse_signed(ln, &p, 'o', &off))
        return -1;
    if (expect(ln, &p, ","))
        return -1;
    if (fns[k].imm == BPF_CMPXCHG &&
        (atomic_reg(ln, &p, size, &cmp) || same_reg(ln, cmp, 0, "cmpxchg's comparand") ||
         expect(ln, &p, ",")))
        return -1;
    if (atomic_reg(ln, &p, size, &src) || expect(ln, &p, ")"))
        return -1;
    if (same_reg(ln, dst, fns[k].imm == BPF_CMPXCHG ? 0 : src, "the result register"))
        return -1;
    out->insn[0] = vm_asm_insn((uint8_t)(BPF_STX | BPF_ATOMIC | size), base, src, off, fns[k].imm);
    return at_end(ln, p);
}

/* lddw with a pseudo source:
 *   map[fd:N]            BPF_PSEUDO_MAP_FD
 *   map[fd:N][0]+OFF     BPF_PSEUDO_MAP_VALUE
 *   map[idx:N]           BPF_PSEUDO_MAP_IDX
 *   map[idx:N][0]+OFF    BPF_PSEUDO_MAP_IDX_VALUE
 *   btf_id[N]            BPF_PSEUDO_BTF_ID (second imm 0: vmlinux)
 *   btf_id[N][fd:M]      BPF_PSEUDO_BTF_ID with a module BTF fd in the second imm
 *   subprog[+N]          BPF_PSEUDO_FUNC, N relative as for calls (or a label)
 * Returns 1 if p starts none of these. */
static int assign_pseudo(const struct vm_asm_line *ln, const char *p, unsigned dst, bool w,
                         struct vm_asm_out *out)
{
    int32_t a = 0, b = 0;
    unsigned src;
    const char *q = p;
    if (word(&q, "map") && lit(&q, "[")) {
        bool idx = word(&q, "idx");
        if (!idx && !word(&q, "fd"))
            return vm_asm_err_at(ln, "expected 'fd:' or 'idx:' in map[], got", vm_asm_skip_ws(q));
        if (expect(ln, &q, ":") || vm_asm_parse_num(ln, &q, 'u', &a) || expect(ln, &q, "]"))
            return -1;
        src = idx ? BPF_PSEUDO_MAP_IDX : BPF_PSEUDO_MAP_FD;
        if (lit(&q, "[")) {
            int32_t elem;
            const char *e = vm_asm_skip_ws(q);
            if (vm_asm_parse_num(ln, &q, 'u', &elem))
                return -1;
            if (elem != 0)
                return vm_asm_err(ln, "map values are addressed as [0]+OFF, got '[%.*s]'",
                                  (int)(q - e), e);
            if (expect(ln, &q, "]") || expect(ln, &q, "+") || vm_asm_parse_num(ln, &q, 'u', &b))
                return -1;
            src = idx ? BPF_PSEUDO_MAP_IDX_VALUE : BPF_PSEUDO_MAP_VALUE;
        }
    } else if (q = p, word(&q, "btf_id") && lit(&q, "[")) {
        if (vm_asm_parse_num(ln, &q, 'u', &a) || expect(ln, &q, "]"))
            return -1;
        if (lit(&q, "[") && (expect(ln, &q, "fd") || expect(ln, &q, ":") ||
                             vm_asm_parse_num(ln, &q, 'u', &b) || expect(ln, &q, "]")))
            return -1;
        src = BPF_PSEUDO_BTF_ID;
    } else if (q = p, word(&q, "subprog") && lit(&q, "[")) {
        out->insn[0].imm = 0;
        q = vm_asm_skip_ws(q);
        if (*q == '+' || *q == '-') {
            if (vm_asm_parse_signed(ln, &q, 'i', &a))
                return -1;
        } else {
            size_t n = vm_asm_ident_len(q);
            if (n == 0)
                return vm_asm_err_at(ln, "expected subprog offset or label, got", q);
            out->ref = VM_ASM_REF_IMM;
            out->ref_name = q;
            out->ref_len = n;
            q += n;
        }
        if (expect(ln, &q, "]"))
            return -1;
        src = BPF_PSEUDO_FUNC;
    } else {
        return 1;
    }
    if (w)
        return vm_asm_err(ln, "lddw needs a 64-bit register, got 'w%u'", dst);
    lddw(out, dst, src, 0);
    out->insn[0].imm = a;
    out->insn[1].imm = b;
    return at_end(ln, q);
}

/* `dst = ...` */
static int assign(const struct vm_asm_line *ln, const char *p, unsigned dst, bool w,
                  struct vm_asm_out *out)
{
    const char *q = vm_asm_skip_ws(p);
    int rc;
    if (q[0] == '-' && peek_reg(q + 1))
        return assign_neg(ln, q, dst, w, out);
    if (q[0] == '(')
        return assign_movsx(ln, q, dst, w, out);
    if (q[0] == '*')
        return assign_load(ln, q, dst, w, out);
    if (peek_reg(q)) {
        unsigned src;
        if (reg_width(ln, &q, w, &src))
            return -1;
        out->insn[0] = vm_asm_insn((uint8_t)((w ? BPF_ALU : BPF_ALU64) | BPF_MOV | BPF_X), dst,
                                   src, 0, 0);
        return at_end(ln, q);
    }
    if (vm_asm_is_ident_start(q[0])) {
        if ((rc = assign_endian(ln, q, dst, w, out)) <= 0)
            return rc;
        if ((rc = assign_pseudo(ln, q, dst, w, out)) <= 0)
            return rc;
        if ((rc = assign_atomic_fn(ln, q, dst, out)) <= 0)
            return rc;
        if ((rc = assign_llvm_xchg(ln, q, dst, out)) <= 0)
            return rc;
        return vm_asm_err_at(ln, "unknown operand", q);
    }
    return assign_number(ln, q, dst, w, out);
}

/* `rN ...` */
static int reg_stmt(const struct vm_asm_line *ln, const char *p, struct vm_asm_out *out)
{
    unsigned dst;
    bool w;
    if (reg_any(ln, &p, &dst, &w))
        return -1;
    const struct op_str *op = MATCH_OP(&p, alu_ops);
    if (!op)
        return vm_asm_err_at(ln, "expected an assignment operator, got", vm_asm_skip_ws(p));
    if (op->op == BPF_MOV)
        return assign(ln, p, dst, w, out);
    return alu_compound(ln, p, dst, w, op, out);
}

/* `*(u32 *)(r1 +0) = r2` / `= 5` */
static int store(const struct vm_asm_line *ln, const char *p, struct vm_asm_out *out)
{
    uint8_t size;
    bool sx;
    unsigned dst, src;
    int16_t off;
    if (mem_operand(ln, &p, false, &size, &sx, &dst, &off) || expect(ln, &p, "="))
        return -1;
    if (peek_reg(p)) {
        bool w;
        if (reg_any(ln, &p, &src, &w))
            return -1;
        if (w && size == BPF_DW)
            return vm_asm_err(ln, "a u64 store takes an r register, got 'w%u'", src);
        out->insn[0] = vm_asm_insn((uint8_t)(BPF_STX | BPF_MEM | size), dst, src, off, 0);
    } else {
        int32_t imm;
        if (vm_asm_parse_num(ln, &p, 'i', &imm))
            return -1;
        out->insn[0] = vm_asm_insn((uint8_t)(BPF_ST | BPF_MEM | size), dst, 0, off, imm);
    }
    return at_end(ln, p);
}

/* `lock *(u64 *)(r1 +0) += r2` */
static int lock_stmt(const struct vm_asm_line *ln, const char *p, struct vm_asm_out *out)
{
    uint8_t size;
    bool sx;
    unsigned dst, src;
    int16_t off;
    if (mem_operand(ln, &p, false, &size, &sx, &dst, &off))
        return -1;
    if (size != BPF_W && size != BPF_DW)
        return vm_asm_err(ln, "atomics are u32 or u64");
    const struct op_str *op = MATCH_OP(&p, atomic_ops);
    if (!op)
        return vm_asm_err_at(ln, "expected +=, |=, &= or ^=, got", vm_asm_skip_ws(p));
    if (atomic_reg(ln, &p, size, &src))
        return -1;
    out->insn[0] = vm_asm_insn((uint8_t)(BPF_STX | BPF_ATOMIC | size), dst, src, off, op->op);
    return at_end(ln, p);
}

/* `if r1 > r2 goto pc+3`, `if w1 s> 0x5 goto -3`, `if r1 == 0 goto label` */
static int if_stmt(const struct vm_asm_line *ln, const char *p, struct vm_asm_out *out)
{
    unsigned dst, src = 0;
    bool w;
    int32_t imm = 0;
    if (reg_any(ln, &p, &dst, &w))
        return -1;
    const struct op_str *op = MATCH_OP(&p, jmp_ops);
    if (!op)
        return vm_asm_err_at(ln, "expected a comparison, got", vm_asm_skip_ws(p));
    uint8_t code = (uint8_t)((w ? BPF_JMP32 : BPF_JMP) | op->op);
    if (peek_reg(p)) {
        if (reg_width(ln, &p, w, &src))
            return -1;
        code |= BPF_X;
    } else if (vm_asm_parse_num(ln, &p, 'i', &imm)) {
        return -1;
    }
    if (!word(&p, "goto"))
        return vm_asm_err_at(ln, "expected 'goto', got", vm_asm_skip_ws(p));
    out->insn[0] = vm_asm_insn(code, dst, src, 0, imm);
    if (target(ln, &p, 'o', out))
        return -1;
    return at_end(ln, p);
}

/* Helper call by name: `bpf_map_lookup_elem`, `map_lookup_elem`; -1 when
 * unknown. */
static int32_t helper_by_name(const char *p, size_t n)
{
    char name[64];
    if (n >= sizeof(name))
        return -1;
    memcpy(name, p, n);
    name[n] = '\0';
    return vm_helper_id(name);
}

/* `call bpf_map_lookup_elem#1`, `call unknown#1234`, `call 1`,
 * `call map_lookup_elem`, `call pc+5`, `call kernel-function#ID`,
 * `call kernel-function#ID btf_fd_idx:N`, `call label` (local). */
static int call_stmt(const struct vm_asm_line *ln, const char *p, struct vm_asm_out *out)
{
    p = vm_asm_skip_ws(p);
    int32_t imm = 0;
    int16_t off = 0;
    if (strncmp(p, "pc", 2) == 0 && (p[2] == '+' || p[2] == '-')) {
        p += 2;
        if (vm_asm_parse_signed(ln, &p, 'i', &imm))
            return -1;
        out->insn[0] = vm_asm_insn(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, imm);
        return at_end(ln, p);
    }
    if (vm_asm_is_digit(*p) || *p == '+' || *p == '-') {
        if (vm_asm_parse_num(ln, &p, 'i', &imm))
            return -1;
        /* llvm-objdump prints local calls and kfunc calls as `call N` too;
         * its byte dump tells them apart. */
        unsigned src = ln->src_hint == BPF_PSEUDO_CALL || ln->src_hint == BPF_PSEUDO_KFUNC_CALL
                           ? (unsigned)ln->src_hint
                           : 0;
        out->insn[0] = vm_asm_insn(BPF_JMP | BPF_CALL, 0, src, 0, imm);
        return at_end(ln, p);
    }
    if (lit(&p, "kernel-function")) {
        if (expect(ln, &p, "#") || vm_asm_parse_num(ln, &p, 'i', &imm))
            return -1;
        if (word(&p, "btf_fd_idx") &&
            (expect(ln, &p, ":") || vm_asm_parse_num(ln, &p, 'o', &off)))
            return -1;
        out->insn[0] = vm_asm_insn(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, off, imm);
        return at_end(ln, p);
    }
    size_t n = vm_asm_ident_len(p);
    if (n == 0)
        return vm_asm_err_at(ln, "expected helper, got", p);
    const char *name = p;
    int32_t id = helper_by_name(name, n);
    p += n;
    if (*p == '#') {
        p++;
        if (vm_asm_parse_num(ln, &p, 'i', &imm))
            return -1;
        /* The number is authoritative (a newer kernel may know names we do
         * not), but a name we know must agree with it. */
        if (id >= 0 && id != imm)
            return vm_asm_err(ln, "helper '%.*s' is #%d, not #%d", (int)n, name, (int)id,
                              (int)imm);
        /* bpftool names kfuncs from BTF: `call bpf_obj_new_impl#75864`.
         * An id no helper can have, under a name that is not a helper,
         * is a kfunc's BTF id. */
        bool kfunc = id < 0 && imm >= (int32_t)VM_MAX_HELPER_ID &&
                     !(n == 7 && memcmp(name, "unknown", 7) == 0);
        out->insn[0] = vm_asm_insn(BPF_JMP | BPF_CALL, 0, kfunc ? BPF_PSEUDO_KFUNC_CALL : 0, 0,
                                   imm);
    } else if (id >= 0) {
        out->insn[0] = vm_asm_insn(BPF_JMP | BPF_CALL, 0, 0, 0, id);
    } else {
        out->insn[0] = vm_asm_insn(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0);
        out->ref = VM_ASM_REF_CALL_NAME;
        out->ref_name = name;
        out->ref_len = n;
    }
    return at_end(ln, p);
}

int vm_asm_kern_line(const struct vm_asm_line *ln, const char *text, struct vm_asm_out *out)
{
    const char *p = vm_asm_skip_ws(text);
    out->n = 1;
    if (word(&p, "exit")) {
        out->insn[0] = vm_asm_insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        return at_end(ln, p);
    }
    bool l = false;
    if (word(&p, "goto") || (l = word(&p, "gotol"))) {
        out->insn[0] = vm_asm_insn(l ? BPF_JMP32 | BPF_JA : BPF_JMP | BPF_JA, 0, 0, 0, 0);
        if (target(ln, &p, l ? 'i' : 'o', out))
            return -1;
        return at_end(ln, p);
    }
    if (word(&p, "if"))
        return if_stmt(ln, p, out);
    if (word(&p, "callx")) {
        unsigned r;
        if (reg64(ln, &p, &r))
            return -1;
        out->insn[0] = vm_asm_insn(BPF_JMP | BPF_CALL | BPF_X, r, 0, 0, 0);
        return at_end(ln, p);
    }
    if (word(&p, "call"))
        return call_stmt(ln, p, out);
    if (word(&p, "lock"))
        return lock_stmt(ln, p, out);
    if (*p == '*')
        return store(ln, p, out);
    unsigned r;
    bool w;
    size_t n = vm_asm_scan_reg(p, false, true, &r, &w);
    if (n > 0)
        return reg_stmt(ln, p, out);
    n = strcspn(p, " \t\r\v\f");
    return vm_asm_err(ln, "unknown mnemonic '%.*s'", (int)n, p);
}
