/* vm/disasm.c - the disassembler, in the syntax of the kernel's verifier log
 * and `bpftool prog dump xlated` (kernel/bpf/disasm.c, print_bpf_insn).
 *
 * Differences from the kernel, all so that the text assembles back:
 *  - plain lddw ends in ` ll` (as LLVM prints it), so it is never read as a
 *    32-bit mov; pseudo lddw print as map[fd:N], map[fd:N][0]+OFF,
 *    map[idx:N], map[idx:N][0]+OFF, btf_id[N] (btf_id[N][fd:M] when the
 *    second slot names a module BTF), subprog[+N];
 *  - kfunc calls print `call kernel-function#ID` as the kernel does without
 *    BTF, plus ` btf_fd_idx:N` when off selects a module BTF;
 *  - callx (0x8d, which the kernel does not have) prints `callx rN`;
 *  - a slot that is not an instruction in exactly the encoding the text
 *    implies prints as `.insn 0x...` (the slot as a little-endian u64).
 *
 * The last point is enforced, not hoped for: every line is assembled back
 * with vm_asm_slots and replaced by `.insn` unless the bytes match. That
 * way reserved fields that are set, unknown opcodes and out-of-range
 * registers can never be lost in a disasm | asm round trip.
 */
#include "vm/asm_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 128u

static const char *const alu_ops[16] = {
    [BPF_ADD >> 4] = "+=",  [BPF_SUB >> 4] = "-=",  [BPF_MUL >> 4] = "*=",
    [BPF_DIV >> 4] = "/=",  [BPF_OR >> 4] = "|=",   [BPF_AND >> 4] = "&=",
    [BPF_LSH >> 4] = "<<=", [BPF_RSH >> 4] = ">>=", [BPF_MOD >> 4] = "%=",
    [BPF_XOR >> 4] = "^=",  [BPF_MOV >> 4] = "=",   [BPF_ARSH >> 4] = "s>>=",
};

static const char *const jmp_ops[16] = {
    [BPF_JEQ >> 4] = "==",  [BPF_JGT >> 4] = ">",   [BPF_JGE >> 4] = ">=",
    [BPF_JSET >> 4] = "&",  [BPF_JNE >> 4] = "!=",  [BPF_JSGT >> 4] = "s>",
    [BPF_JSGE >> 4] = "s>=", [BPF_JLT >> 4] = "<",  [BPF_JLE >> 4] = "<=",
    [BPF_JSLT >> 4] = "s<", [BPF_JSLE >> 4] = "s<=",
};

static const char *const atomic_ops[16] = {
    [BPF_ADD >> 4] = "add", [BPF_OR >> 4] = "or", [BPF_AND >> 4] = "and", [BPF_XOR >> 4] = "xor",
};

static const char *size_name(uint8_t code)
{
    static const char *const names[4] = {"u32", "u16", "u8", "u64"};
    return names[BPF_SIZE(code) >> 3];
}

static const char *sx_size_name(uint8_t code)
{
    static const char *const names[4] = {"s32", "s16", "s8", NULL};
    return names[BPF_SIZE(code) >> 3];
}

/* The slot as bpf_conformance's raw format reads it. */
static uint64_t slot_u64(const struct bpf_insn *in)
{
    return (uint64_t)in->code | (uint64_t)in->dst_reg << 8 | (uint64_t)in->src_reg << 12 |
           (uint64_t)(uint16_t)in->off << 16 | (uint64_t)(uint32_t)in->imm << 32;
}

/* Each fmt_* writes the text of one instruction and returns the slots it
 * covers, or 0 when the encoding has no text form. */

static unsigned fmt_alu(const struct bpf_insn *in, char *b, size_t n)
{
    uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
    char w = cls == BPF_ALU ? 'w' : 'r';
    unsigned d = in->dst_reg, s = in->src_reg;

    if (op == BPF_END) {
        if (cls == BPF_ALU64)
            snprintf(b, n, "r%u = bswap%d r%u", d, in->imm, d);
        else
            snprintf(b, n, "r%u = %s%d r%u", d, BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le",
                     in->imm, d);
        return 1;
    }
    if (op == BPF_NEG) {
        snprintf(b, n, "%c%u = -%c%u", w, d, w, d);
        return 1;
    }
    const char *ops = alu_ops[op >> 4];
    if ((op == BPF_DIV || op == BPF_MOD) && in->off == 1)
        ops = op == BPF_DIV ? "s/=" : "s%=";
    if (!ops)
        return 0;
    if (BPF_SRC(in->code) == BPF_K) {
        snprintf(b, n, "%c%u %s %d", w, d, ops, in->imm);
    } else if (op == BPF_MOV && (in->off == 8 || in->off == 16 || in->off == 32)) {
        snprintf(b, n, "%c%u = (s%d)%c%u", w, d, in->off, w, s);
    } else {
        snprintf(b, n, "%c%u %s %c%u", w, d, ops, w, s);
    }
    return 1;
}

static unsigned fmt_atomic(const struct bpf_insn *in, char *b, size_t n)
{
    const char *sz = size_name(in->code);
    const char *w64 = BPF_SIZE(in->code) == BPF_DW ? "64" : "";
    unsigned d = in->dst_reg, s = in->src_reg;
    int32_t imm = in->imm;
    bool fetch = imm & BPF_FETCH;
    const char *aop = imm >= 0 && imm < 0x100 ? atomic_ops[(imm & 0xf0) >> 4] : NULL;

    if (imm == BPF_XCHG)
        snprintf(b, n, "r%u = atomic%s_xchg((%s *)(r%u %+d), r%u)", s, w64, sz, d, in->off, s);
    else if (imm == BPF_CMPXCHG)
        snprintf(b, n, "r0 = atomic%s_cmpxchg((%s *)(r%u %+d), r0, r%u)", w64, sz, d, in->off, s);
    else if (aop && fetch)
        snprintf(b, n, "r%u = atomic%s_fetch_%s((%s *)(r%u %+d), r%u)", s, w64, aop, sz, d,
                 in->off, s);
    else if (aop)
        snprintf(b, n, "lock *(%s *)(r%u %+d) %s r%u", sz, d, in->off, alu_ops[(imm & 0xf0) >> 4],
                 s);
    else
        return 0;
    return 1;
}

static unsigned fmt_mem(const struct bpf_insn *in, char *b, size_t n)
{
    uint8_t cls = BPF_CLASS(in->code), mode = BPF_MODE(in->code);
    const char *sz = size_name(in->code);
    unsigned d = in->dst_reg, s = in->src_reg;

    if (cls == BPF_LDX && (mode == BPF_MEM || mode == BPF_MEMSX)) {
        if (mode == BPF_MEMSX && !(sz = sx_size_name(in->code)))
            return 0;
        snprintf(b, n, "r%u = *(%s *)(r%u %+d)", d, sz, s, in->off);
    } else if (cls == BPF_ST && mode == BPF_MEM) {
        snprintf(b, n, "*(%s *)(r%u %+d) = %d", sz, d, in->off, in->imm);
    } else if (cls == BPF_STX && mode == BPF_MEM) {
        snprintf(b, n, "*(%s *)(r%u %+d) = r%u", sz, d, in->off, s);
    } else if (cls == BPF_STX && mode == BPF_ATOMIC) {
        return fmt_atomic(in, b, n);
    } else {
        return 0;
    }
    return 1;
}

static unsigned fmt_lddw(const struct bpf_insn *insns, uint32_t len, uint32_t idx, char *b,
                         size_t n)
{
    if (idx + 1 >= len)
        return 0; /* the second half is missing */
    const struct bpf_insn *in = &insns[idx];
    uint32_t lo = (uint32_t)in->imm, hi = (uint32_t)insns[idx + 1].imm;
    unsigned d = in->dst_reg;

    switch (in->src_reg) {
    case 0:
        snprintf(b, n, "r%u = 0x%llx ll", d, (unsigned long long)((uint64_t)hi << 32 | lo));
        break;
    case BPF_PSEUDO_MAP_FD:
        snprintf(b, n, "r%u = map[fd:%u]", d, lo);
        break;
    case BPF_PSEUDO_MAP_VALUE:
        snprintf(b, n, "r%u = map[fd:%u][0]+%u", d, lo, hi);
        break;
    case BPF_PSEUDO_MAP_IDX:
        snprintf(b, n, "r%u = map[idx:%u]", d, lo);
        break;
    case BPF_PSEUDO_MAP_IDX_VALUE:
        snprintf(b, n, "r%u = map[idx:%u][0]+%u", d, lo, hi);
        break;
    case BPF_PSEUDO_BTF_ID:
        if (hi)
            snprintf(b, n, "r%u = btf_id[%u][fd:%u]", d, lo, hi);
        else
            snprintf(b, n, "r%u = btf_id[%u]", d, lo);
        break;
    case BPF_PSEUDO_FUNC:
        snprintf(b, n, "r%u = subprog[%+d]", d, in->imm);
        break;
    default:
        return 0;
    }
    return 2;
}

static unsigned fmt_ld(const struct bpf_insn *insns, uint32_t len, uint32_t idx, char *b,
                       size_t n)
{
    const struct bpf_insn *in = &insns[idx];
    switch (BPF_MODE(in->code)) {
    case BPF_ABS:
        snprintf(b, n, "r0 = *(%s *)skb[%d]", size_name(in->code), in->imm);
        return 1;
    case BPF_IND:
        snprintf(b, n, "r0 = *(%s *)skb[r%u + %d]", size_name(in->code), in->src_reg, in->imm);
        return 1;
    case BPF_IMM:
        return BPF_SIZE(in->code) == BPF_DW ? fmt_lddw(insns, len, idx, b, n) : 0;
    default:
        return 0;
    }
}

static unsigned fmt_call(const struct bpf_insn *in, char *b, size_t n)
{
    switch (in->src_reg) {
    case 0: {
        const char *name = vm_helper_name(in->imm);
        snprintf(b, n, "call %s#%d", name ? name : "unknown", in->imm);
        return 1;
    }
    case BPF_PSEUDO_CALL:
        snprintf(b, n, "call pc%+d", in->imm);
        return 1;
    case BPF_PSEUDO_KFUNC_CALL:
        if (in->off)
            snprintf(b, n, "call kernel-function#%d btf_fd_idx:%d", in->imm, in->off);
        else
            snprintf(b, n, "call kernel-function#%d", in->imm);
        return 1;
    default:
        return 0;
    }
}

static unsigned fmt_jmp(const struct bpf_insn *in, char *b, size_t n)
{
    uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
    char w = cls == BPF_JMP32 ? 'w' : 'r';

    if (in->code == (BPF_JMP | BPF_CALL))
        return fmt_call(in, b, n);
    if (in->code == (BPF_JMP | BPF_CALL | BPF_X))
        snprintf(b, n, "callx r%u", in->dst_reg);
    else if (in->code == (BPF_JMP | BPF_EXIT))
        snprintf(b, n, "exit");
    else if (in->code == (BPF_JMP | BPF_JA))
        snprintf(b, n, "goto pc%+d", in->off);
    else if (in->code == (BPF_JMP32 | BPF_JA))
        snprintf(b, n, "gotol pc%+d", in->imm);
    else if (!jmp_ops[op >> 4])
        return 0;
    else if (BPF_SRC(in->code) == BPF_X)
        snprintf(b, n, "if %c%u %s %c%u goto pc%+d", w, in->dst_reg, jmp_ops[op >> 4], w,
                 in->src_reg, in->off);
    else
        snprintf(b, n, "if %c%u %s 0x%x goto pc%+d", w, in->dst_reg, jmp_ops[op >> 4],
                 (uint32_t)in->imm, in->off);
    return 1;
}

static unsigned fmt_any(const struct bpf_insn *insns, uint32_t len, uint32_t idx, char *b,
                        size_t n)
{
    const struct bpf_insn *in = &insns[idx];
    switch (BPF_CLASS(in->code)) {
    case BPF_ALU:
    case BPF_ALU64:
        return fmt_alu(in, b, n);
    case BPF_JMP:
    case BPF_JMP32:
        return fmt_jmp(in, b, n);
    case BPF_LD:
        return fmt_ld(insns, len, idx, b, n);
    default:
        return fmt_mem(in, b, n);
    }
}

/* Does `text` assemble to exactly `slots` slots equal to `want`? */
static bool assembles_to(const char *text, const struct bpf_insn *want, unsigned slots)
{
    struct bpf_insn *got;
    uint32_t n;
    if (vm_asm_slots(text, strlen(text), &got, &n, NULL, 0) != 0)
        return false;
    bool same = n == slots && memcmp(got, want, slots * sizeof(*got)) == 0;
    free(got);
    return same;
}

unsigned vm_disasm_insn(const struct bpf_insn *insns, uint32_t len, uint32_t idx, char *buf,
                        size_t buflen)
{
    char text[TEXT_MAX];
    if (buf && buflen)
        buf[0] = '\0';
    if (!insns || idx >= len)
        return 0;
    unsigned slots = fmt_any(insns, len, idx, text, sizeof(text));
    if (slots == 0 || !assembles_to(text, &insns[idx], slots)) {
        snprintf(text, sizeof(text), ".insn 0x%016llx", (unsigned long long)slot_u64(&insns[idx]));
        slots = 1;
    }
    if (buf && buflen)
        snprintf(buf, buflen, "%s", text);
    return slots;
}

char *vm_disasm_prog(const struct vm_prog *prog)
{
    if (!prog || (!prog->insns && prog->len) || (uint64_t)prog->len * 64 > SIZE_MAX)
        return NULL;
    /* "%4u: (%02x) " plus the text plus "\n" fits in TEXT_MAX + 32. */
    size_t cap = (size_t)prog->len * 48 + 1, used = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    out[0] = '\0';
    for (uint32_t i = 0; i < prog->len;) {
        char text[TEXT_MAX];
        unsigned slots = vm_disasm_insn(prog->insns, prog->len, i, text, sizeof(text));
        if (used + TEXT_MAX + 32 > cap) {
            size_t ncap = cap * 2 + TEXT_MAX + 32;
            char *p = realloc(out, ncap);
            if (!p) {
                free(out);
                return NULL;
            }
            out = p;
            cap = ncap;
        }
        int k = snprintf(out + used, cap - used, "%4u: (%02x) %s\n", i, prog->insns[i].code, text);
        if (k > 0)
            used += (size_t)k;
        i += slots ? slots : 1;
    }
    return out;
}
