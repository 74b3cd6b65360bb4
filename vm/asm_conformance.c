/* vm/asm_conformance.c - the bpf_conformance assembly syntax.
 *
 * As described in ../shared/bpf_conformance/README.md: a mnemonic, then
 * operands separated by whitespace and/or commas (`mov %r0, 1`), memory
 * operands `[%rN+OFF]`, jump targets `+N`/`-N` or a label. We are a little
 * more lenient than upstream (registers without '%', spaces inside brackets,
 * an unsigned jump offset) and add uBPF's ldabs/ldind mnemonics; everything
 * upstream accepts assembles to the same bytes.
 */
#include "vm/asm_int.h"

#include <stdio.h>
#include <string.h>

enum conf_kind {
    C_ALU,   /* add, sub, ... [32|64], sdiv, smod */
    C_NEG,
    C_MOVSX,
    C_END,   /* le, be, bswap */
    C_LDDW,
    C_LDX,
    C_ST,
    C_STX,
    C_LDABS,
    C_LDIND,
    C_LOCK,
    C_JA,
    C_JA32,
    C_JCC,
    C_CALL,
    C_EXIT,
};

struct conf_mn {
    const char *name;
    enum conf_kind kind;
    uint8_t code;
    int16_t off;
    int32_t imm;
};

/* Mnemonics that are complete names. */
static const struct conf_mn fixed[] = {
    {"neg", C_NEG, BPF_ALU64 | BPF_NEG, 0, 0},
    {"neg64", C_NEG, BPF_ALU64 | BPF_NEG, 0, 0},
    {"neg32", C_NEG, BPF_ALU | BPF_NEG, 0, 0},
    {"movsx864", C_MOVSX, BPF_ALU64 | BPF_MOV | BPF_X, 8, 0},
    {"movsx1664", C_MOVSX, BPF_ALU64 | BPF_MOV | BPF_X, 16, 0},
    {"movsx3264", C_MOVSX, BPF_ALU64 | BPF_MOV | BPF_X, 32, 0},
    {"movsx832", C_MOVSX, BPF_ALU | BPF_MOV | BPF_X, 8, 0},
    {"movsx1632", C_MOVSX, BPF_ALU | BPF_MOV | BPF_X, 16, 0},
    {"le16", C_END, BPF_ALU | BPF_END | BPF_TO_LE, 0, 16},
    {"le32", C_END, BPF_ALU | BPF_END | BPF_TO_LE, 0, 32},
    {"le64", C_END, BPF_ALU | BPF_END | BPF_TO_LE, 0, 64},
    {"be16", C_END, BPF_ALU | BPF_END | BPF_TO_BE, 0, 16},
    {"be32", C_END, BPF_ALU | BPF_END | BPF_TO_BE, 0, 32},
    {"be64", C_END, BPF_ALU | BPF_END | BPF_TO_BE, 0, 64},
    {"bswap16", C_END, BPF_ALU64 | BPF_END, 0, 16},
    {"bswap32", C_END, BPF_ALU64 | BPF_END, 0, 32},
    {"bswap64", C_END, BPF_ALU64 | BPF_END, 0, 64},
    {"swap16", C_END, BPF_ALU64 | BPF_END, 0, 16},
    {"swap32", C_END, BPF_ALU64 | BPF_END, 0, 32},
    {"swap64", C_END, BPF_ALU64 | BPF_END, 0, 64},
    {"lddw", C_LDDW, BPF_LD | BPF_IMM | BPF_DW, 0, 0},
    {"ldxb", C_LDX, BPF_LDX | BPF_MEM | BPF_B, 0, 0},
    {"ldxh", C_LDX, BPF_LDX | BPF_MEM | BPF_H, 0, 0},
    {"ldxw", C_LDX, BPF_LDX | BPF_MEM | BPF_W, 0, 0},
    {"ldxdw", C_LDX, BPF_LDX | BPF_MEM | BPF_DW, 0, 0},
    {"ldxsb", C_LDX, BPF_LDX | BPF_MEMSX | BPF_B, 0, 0},
    {"ldxsh", C_LDX, BPF_LDX | BPF_MEMSX | BPF_H, 0, 0},
    {"ldxsw", C_LDX, BPF_LDX | BPF_MEMSX | BPF_W, 0, 0},
    {"stb", C_ST, BPF_ST | BPF_MEM | BPF_B, 0, 0},
    {"sth", C_ST, BPF_ST | BPF_MEM | BPF_H, 0, 0},
    {"stw", C_ST, BPF_ST | BPF_MEM | BPF_W, 0, 0},
    {"stdw", C_ST, BPF_ST | BPF_MEM | BPF_DW, 0, 0},
    {"stxb", C_STX, BPF_STX | BPF_MEM | BPF_B, 0, 0},
    {"stxh", C_STX, BPF_STX | BPF_MEM | BPF_H, 0, 0},
    {"stxw", C_STX, BPF_STX | BPF_MEM | BPF_W, 0, 0},
    {"stxdw", C_STX, BPF_STX | BPF_MEM | BPF_DW, 0, 0},
    {"ldabsb", C_LDABS, BPF_LD | BPF_ABS | BPF_B, 0, 0},
    {"ldabsh", C_LDABS, BPF_LD | BPF_ABS | BPF_H, 0, 0},
    {"ldabsw", C_LDABS, BPF_LD | BPF_ABS | BPF_W, 0, 0},
    {"ldindb", C_LDIND, BPF_LD | BPF_IND | BPF_B, 0, 0},
    {"ldindh", C_LDIND, BPF_LD | BPF_IND | BPF_H, 0, 0},
    {"ldindw", C_LDIND, BPF_LD | BPF_IND | BPF_W, 0, 0},
    {"lock", C_LOCK, 0, 0, 0},
    {"ja", C_JA, BPF_JMP | BPF_JA, 0, 0},
    {"ja32", C_JA32, BPF_JMP32 | BPF_JA, 0, 0},
    {"call", C_CALL, BPF_JMP | BPF_CALL, 0, 0},
    {"exit", C_EXIT, BPF_JMP | BPF_EXIT, 0, 0},
};

/* Mnemonics that take a width suffix: "" or "64" (ALU64/JMP), "32". */
struct conf_base {
    const char *name;
    enum conf_kind kind;
    uint8_t op;
    int16_t off;
};

static const struct conf_base bases[] = {
    {"add", C_ALU, BPF_ADD, 0},   {"sub", C_ALU, BPF_SUB, 0},   {"mul", C_ALU, BPF_MUL, 0},
    {"div", C_ALU, BPF_DIV, 0},   {"or", C_ALU, BPF_OR, 0},     {"and", C_ALU, BPF_AND, 0},
    {"lsh", C_ALU, BPF_LSH, 0},   {"rsh", C_ALU, BPF_RSH, 0},   {"mod", C_ALU, BPF_MOD, 0},
    {"xor", C_ALU, BPF_XOR, 0},   {"mov", C_ALU, BPF_MOV, 0},   {"arsh", C_ALU, BPF_ARSH, 0},
    {"sdiv", C_ALU, BPF_DIV, 1},  {"smod", C_ALU, BPF_MOD, 1},
    {"jeq", C_JCC, BPF_JEQ, 0},   {"jgt", C_JCC, BPF_JGT, 0},   {"jge", C_JCC, BPF_JGE, 0},
    {"jset", C_JCC, BPF_JSET, 0}, {"jne", C_JCC, BPF_JNE, 0},   {"jsgt", C_JCC, BPF_JSGT, 0},
    {"jsge", C_JCC, BPF_JSGE, 0}, {"jlt", C_JCC, BPF_JLT, 0},   {"jle", C_JCC, BPF_JLE, 0},
    {"jslt", C_JCC, BPF_JSLT, 0}, {"jsle", C_JCC, BPF_JSLE, 0},
};

static bool name_eq(const char *a, size_t alen, const char *b)
{
    return strlen(b) == alen && memcmp(a, b, alen) == 0;
}

static bool lookup(const char *name, size_t len, struct conf_mn *out)
{
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if (name_eq(name, len, fixed[i].name)) {
            *out = fixed[i];
            return true;
        }
    }
    size_t base_len = len;
    bool is32 = false;
    if (len > 2 && (memcmp(name + len - 2, "32", 2) == 0 || memcmp(name + len - 2, "64", 2) == 0)) {
        is32 = name[len - 2] == '3';
        base_len = len - 2;
    }
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
        if (!name_eq(name, base_len, bases[i].name))
            continue;
        uint8_t cls = bases[i].kind == C_ALU ? (is32 ? BPF_ALU : BPF_ALU64)
                                             : (is32 ? BPF_JMP32 : BPF_JMP);
        *out = (struct conf_mn){bases[i].name, bases[i].kind, (uint8_t)(cls | bases[i].op),
                                bases[i].off, 0};
        return true;
    }
    return false;
}

bool vm_asm_conf_is_mnemonic(const char *mnemonic, size_t len)
{
    struct conf_mn m;
    return lookup(mnemonic, len, &m);
}

/* ----------------------------------------------------------- operands ---- */

#define MAX_OPS 4

/* Split the operands in place into NUL-terminated tokens. Whitespace and
 * commas separate them; whitespace inside [...] does not. */
static int split_ops(const struct vm_asm_line *ln, char *p, char **ops, unsigned *nops)
{
    unsigned n = 0;
    for (;;) {
        while (vm_asm_is_space(*p) || *p == ',')
            p++;
        if (*p == '\0')
            break;
        if (n == MAX_OPS)
            return vm_asm_err_at(ln, "too many operands at", p);
        ops[n++] = p;
        int depth = 0;
        while (*p && *p != ',' && (depth > 0 || !vm_asm_is_space(*p))) {
            depth += (*p == '[') - (*p == ']');
            p++;
        }
        if (*p == '\0')
            break;
        *p++ = '\0';
    }
    *nops = n;
    return 0;
}

static int want_ops(const struct vm_asm_line *ln, const char *mn, unsigned have, unsigned want)
{
    if (have == want)
        return 0;
    return vm_asm_err(ln, "'%s' expects %u operand%s, got %u", mn, want, want == 1 ? "" : "s",
                      have);
}

/* A register operand: the whole token. */
static int op_reg(const struct vm_asm_line *ln, const char *tok, unsigned *reg)
{
    const char *p = tok;
    if (vm_asm_parse_reg(ln, &p, true, false, reg, NULL))
        return -1;
    if (*p)
        return vm_asm_err(ln, "expected register, got '%s'", tok);
    return 0;
}

static bool looks_like_reg(const char *tok)
{
    return tok[0] == '%' || (tok[0] == 'r' && vm_asm_is_digit(tok[1]));
}

/* A whole-token number. */
static int op_num(const struct vm_asm_line *ln, const char *tok, char kind, void *out)
{
    const char *p = tok;
    if (vm_asm_parse_num(ln, &p, kind, out))
        return -1;
    if (*p)
        return vm_asm_err(ln, "invalid number '%s'", tok);
    return 0;
}

/* `[%rN]`, `[%rN+OFF]`, `[%rN-OFF]`. */
static int op_mem(const struct vm_asm_line *ln, const char *tok, unsigned *reg, int16_t *off)
{
    const char *p = tok;
    if (*p != '[')
        return vm_asm_err(ln, "expected memory operand '[%%rN+OFF]', got '%s'", tok);
    p++;
    if (vm_asm_parse_reg(ln, &p, true, false, reg, NULL))
        return -1;
    p = vm_asm_skip_ws(p);
    *off = 0;
    if ((*p == '+' || *p == '-') && vm_asm_parse_signed(ln, &p, 'o', off))
        return -1;
    p = vm_asm_skip_ws(p);
    if (*p != ']')
        return vm_asm_err(ln, "expected ']' in memory operand '%s'", tok);
    if (p[1])
        return vm_asm_err(ln, "unexpected '%s' after memory operand", p + 1);
    return 0;
}

/* A jump or call target: `+N`/`-N` (or a bare number), else a label.
 * kind 'o' puts it in off, 'i' in imm. */
static int op_target(const struct vm_asm_line *ln, const char *tok, char kind,
                     struct vm_asm_out *out)
{
    void *field = kind == 'o' ? (void *)&out->insn[0].off : (void *)&out->insn[0].imm;
    if (tok[0] == '+' || tok[0] == '-') {
        const char *p = tok;
        if (vm_asm_parse_signed(ln, &p, kind, field))
            return -1;
        if (*p)
            return vm_asm_err(ln, "invalid jump offset '%s'", tok);
        return 0;
    }
    if (vm_asm_is_digit(tok[0]))
        return op_num(ln, tok, kind, field);
    size_t n = vm_asm_ident_len(tok);
    if (n == 0 || tok[n])
        return vm_asm_err(ln, "invalid jump target '%s'", tok);
    out->ref = kind == 'o' ? VM_ASM_REF_OFF : VM_ASM_REF_IMM;
    out->ref_name = tok;
    out->ref_len = n;
    return 0;
}

/* -------------------------------------------------------- instructions ---- */

/* `OP dst, src|imm` */
static int conf_alu(const struct vm_asm_line *ln, const struct conf_mn *m, char **ops,
                    struct vm_asm_out *out)
{
    unsigned dst, src = 0;
    int32_t imm = 0;
    uint8_t code = m->code;
    if (op_reg(ln, ops[0], &dst))
        return -1;
    if (looks_like_reg(ops[1])) {
        if (op_reg(ln, ops[1], &src))
            return -1;
        code |= BPF_X;
    } else if (op_num(ln, ops[1], 'i', &imm)) {
        return -1;
    }
    out->insn[0] = vm_asm_insn(code, dst, src, m->off, imm);
    return 0;
}

/* `jXX dst, src|imm, target` */
static int conf_jcc(const struct vm_asm_line *ln, const struct conf_mn *m, char **ops,
                    struct vm_asm_out *out)
{
    unsigned dst, src = 0;
    int32_t imm = 0;
    uint8_t code = m->code;
    if (op_reg(ln, ops[0], &dst))
        return -1;
    if (looks_like_reg(ops[1])) {
        if (op_reg(ln, ops[1], &src))
            return -1;
        code |= BPF_X;
    } else if (op_num(ln, ops[1], 'i', &imm)) {
        return -1;
    }
    out->insn[0] = vm_asm_insn(code, dst, src, 0, imm);
    return op_target(ln, ops[2], 'o', out);
}

static int conf_lddw(const struct vm_asm_line *ln, char **ops, struct vm_asm_out *out)
{
    unsigned dst;
    uint64_t v;
    if (op_reg(ln, ops[0], &dst) || op_num(ln, ops[1], 'q', &v))
        return -1;
    out->insn[0] = vm_asm_insn(BPF_LD | BPF_IMM | BPF_DW, dst, 0, 0, 0);
    out->insn[1] = vm_asm_insn(0, 0, 0, 0, 0);
    uint32_t lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
    memcpy(&out->insn[0].imm, &lo, sizeof(lo));
    memcpy(&out->insn[1].imm, &hi, sizeof(hi));
    out->n = 2;
    return 0;
}

/* `lock [fetch] add|or|and|xor|xchg|cmpxchg[32|64] [dst+off], src` */
static int conf_lock(const struct vm_asm_line *ln, char **ops, unsigned nops,
                     struct vm_asm_out *out)
{
    static const struct {
        const char *name;
        int32_t imm;
    } aops[] = {{"add", BPF_ADD}, {"or", BPF_OR}, {"and", BPF_AND}, {"xor", BPF_XOR},
                {"xchg", BPF_XCHG}, {"cmpxchg", BPF_CMPXCHG}};
    unsigned i = 0;
    bool fetch = false;
    if (nops > 0 && strcmp(ops[0], "fetch") == 0) {
        fetch = true;
        i++;
    }
    if (nops != i + 3)
        return vm_asm_err(ln, "'lock' expects '%sOP [dst+off], src', got %u operands",
                          fetch ? "fetch " : "[fetch] ", nops);
    const char *w = ops[i];
    size_t len = strlen(w);
    uint8_t size = BPF_DW;
    if (len > 2 && (strcmp(w + len - 2, "32") == 0 || strcmp(w + len - 2, "64") == 0)) {
        size = w[len - 2] == '3' ? BPF_W : BPF_DW;
        len -= 2;
    }
    int32_t imm = -1;
    for (size_t k = 0; k < sizeof(aops) / sizeof(aops[0]); k++)
        if (name_eq(w, len, aops[k].name))
            imm = aops[k].imm;
    if (imm < 0)
        return vm_asm_err(ln, "unknown atomic operation '%s'", w);
    /* xchg and cmpxchg always fetch; `fetch` is redundant there. */
    if (fetch && imm != BPF_XCHG && imm != BPF_CMPXCHG)
        imm |= BPF_FETCH;
    unsigned dst, src;
    int16_t off;
    if (op_mem(ln, ops[i + 1], &dst, &off) || op_reg(ln, ops[i + 2], &src))
        return -1;
    out->insn[0] = vm_asm_insn((uint8_t)(BPF_STX | BPF_ATOMIC | size), dst, src, off, imm);
    return 0;
}

/* `call N`, `call helper N|name`, `call %rN`, `call local target` */
static int conf_call(const struct vm_asm_line *ln, char **ops, unsigned nops,
                     struct vm_asm_out *out)
{
    if (nops == 1 && looks_like_reg(ops[0])) {
        unsigned r;
        if (op_reg(ln, ops[0], &r))
            return -1;
        out->insn[0] = vm_asm_insn(BPF_JMP | BPF_CALL | BPF_X, r, 0, 0, 0);
        return 0;
    }
    if (nops == 2 && strcmp(ops[0], "local") == 0) {
        out->insn[0] = vm_asm_insn(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0);
        return op_target(ln, ops[1], 'i', out);
    }
    const char *id = nops == 2 && strcmp(ops[0], "helper") == 0 ? ops[1] : NULL;
    if (nops == 1)
        id = ops[0];
    if (!id)
        return vm_asm_err(ln, "expected 'call N', 'call helper N', 'call %%rN' or "
                              "'call local LABEL'");
    int32_t imm;
    if (vm_asm_is_ident_start(id[0])) {
        imm = vm_helper_id(id);
        if (imm < 0)
            return vm_asm_err(ln, "unknown helper '%s'", id);
    } else if (op_num(ln, id, 'i', &imm)) {
        return -1;
    }
    out->insn[0] = vm_asm_insn(BPF_JMP | BPF_CALL, 0, 0, 0, imm);
    return 0;
}

/* Operand counts for the kinds with a fixed one. */
static int fixed_ops(enum conf_kind k)
{
    switch (k) {
    case C_ALU: case C_MOVSX: case C_LDDW: case C_LDX: case C_ST: case C_STX: case C_LDIND:
        return 2;
    case C_NEG: case C_END: case C_LDABS: case C_JA: case C_JA32:
        return 1;
    case C_JCC:
        return 3;
    case C_EXIT:
        return 0;
    default:
        return -1; /* lock, call: checked by their parsers */
    }
}

static int conf_insn(const struct vm_asm_line *ln, const struct conf_mn *m, char **ops,
                     unsigned nops, struct vm_asm_out *out)
{
    unsigned a = 0, b = 0;
    int16_t off = 0;
    int32_t imm = 0;
    switch (m->kind) {
    case C_ALU:
        return conf_alu(ln, m, ops, out);
    case C_JCC:
        return conf_jcc(ln, m, ops, out);
    case C_LDDW:
        return conf_lddw(ln, ops, out);
    case C_LOCK:
        return conf_lock(ln, ops, nops, out);
    case C_CALL:
        return conf_call(ln, ops, nops, out);
    case C_NEG:
    case C_END:
        if (op_reg(ln, ops[0], &a))
            return -1;
        out->insn[0] = vm_asm_insn(m->code, a, 0, 0, m->imm);
        return 0;
    case C_MOVSX:
        if (op_reg(ln, ops[0], &a) || op_reg(ln, ops[1], &b))
            return -1;
        out->insn[0] = vm_asm_insn(m->code, a, b, m->off, 0);
        return 0;
    case C_LDX:
        if (op_reg(ln, ops[0], &a) || op_mem(ln, ops[1], &b, &off))
            return -1;
        out->insn[0] = vm_asm_insn(m->code, a, b, off, 0);
        return 0;
    case C_ST:
        if (op_mem(ln, ops[0], &a, &off) || op_num(ln, ops[1], 'i', &imm))
            return -1;
        out->insn[0] = vm_asm_insn(m->code, a, 0, off, imm);
        return 0;
    case C_STX:
        if (op_mem(ln, ops[0], &a, &off) || op_reg(ln, ops[1], &b))
            return -1;
        out->insn[0] = vm_asm_insn(m->code, a, b, off, 0);
        return 0;
    case C_LDABS:
        if (op_num(ln, ops[0], 'i', &imm))
            return -1;
        out->insn[0] = vm_asm_insn(m->code, 0, 0, 0, imm);
        return 0;
    case C_LDIND:
        if (op_reg(ln, ops[0], &b) || op_num(ln, ops[1], 'i', &imm))
            return -1;
        out->insn[0] = vm_asm_insn(m->code, 0, b, 0, imm);
        return 0;
    case C_JA:
    case C_JA32:
        out->insn[0] = vm_asm_insn(m->code, 0, 0, 0, 0);
        return op_target(ln, ops[0], m->kind == C_JA ? 'o' : 'i', out);
    case C_EXIT:
        out->insn[0] = vm_asm_insn(m->code, 0, 0, 0, 0);
        return 0;
    }
    return vm_asm_err(ln, "internal error: mnemonic kind %d", (int)m->kind);
}

int vm_asm_conf_line(const struct vm_asm_line *ln, char *text, struct vm_asm_out *out)
{
    size_t n = strcspn(text, " \t\r\v\f");
    struct conf_mn m;
    if (!lookup(text, n, &m))
        return vm_asm_err(ln, "unknown mnemonic '%.*s'", (int)n, text);
    char mn[16];
    snprintf(mn, sizeof(mn), "%.*s", (int)(n < sizeof(mn) ? n : sizeof(mn) - 1), text);
    char *ops[MAX_OPS] = {0};
    unsigned nops = 0;
    if (text[n] && split_ops(ln, text + n + 1, ops, &nops))
        return -1;
    int want = fixed_ops(m.kind);
    if (want >= 0 && want_ops(ln, mn, nops, (unsigned)want))
        return -1;
    out->n = 1;
    return conf_insn(ln, &m, ops, nops, out);
}
