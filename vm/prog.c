/* vm/prog.c - the program object and the structural checks that every
 * execution engine relies on (opcodes known, targets in range, lddw whole).
 * Type and path rules belong to the verifier, not here. */
#include "vm/vm.h"
#include "vm/vm_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vm_fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

int vm_prog_from_bytes(const void *buf, size_t size, const char *name,
                       struct vm_prog **out, char *err, size_t errlen)
{
    *out = NULL;
    if (size == 0)
        return vm_fail(err, errlen, -EINVAL, "program is empty");
    if (size % sizeof(struct bpf_insn))
        return vm_fail(err, errlen, -EINVAL,
                    "%zu bytes is not a multiple of 8 (truncated bytecode: %zu trailing bytes)",
                    size, size % sizeof(struct bpf_insn));
    if (size / sizeof(struct bpf_insn) > VM_MAX_INSNS)
        return vm_fail(err, errlen, -E2BIG, "program has %zu insns, more than the %u supported",
                    size / sizeof(struct bpf_insn), VM_MAX_INSNS);
    struct vm_prog *p = calloc(1, sizeof(*p));
    if (!p || !(p->insns = malloc(size))) {
        free(p);
        return vm_fail(err, errlen, -ENOMEM, "out of memory");
    }
    memcpy(p->insns, buf, size);
    p->len = (uint32_t)(size / sizeof(struct bpf_insn));
    snprintf(p->name, sizeof(p->name), "%s", name ? name : "prog");
    *out = p;
    return 0;
}

void vm_prog_free(struct vm_prog *prog)
{
    if (!prog)
        return;
    free(prog->insns);
    free(prog);
}

/* Is `code` (with off/imm/src where they select the operation) one of the
 * instructions the interpreter implements? Returns NULL when valid, else a
 * description of what is wrong. */
static const char *check_alu(const struct bpf_insn *in, bool is64)
{
    uint8_t op = BPF_OP(in->code);
    bool x = BPF_SRC(in->code) == BPF_X;

    switch (op) {
    case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND:
    case BPF_LSH: case BPF_RSH: case BPF_XOR: case BPF_ARSH:
        return NULL;
    case BPF_DIV: case BPF_MOD:
        return in->off == 0 || in->off == 1 ? NULL : "div/mod off must be 0 or 1 (signed)";
    case BPF_NEG:
        return x ? "neg takes no source register" : NULL;
    case BPF_MOV:
        if (!x || in->off == 0)
            return in->off == 0 ? NULL : "mov with an immediate takes no off";
        if (in->off == 8 || in->off == 16 || (is64 && in->off == 32))
            return NULL;
        return "movsx off must be 8, 16 (or 32 for 64-bit)";
    case BPF_END:
        if (is64 && x)
            return "unknown opcode";
        return in->imm == 16 || in->imm == 32 || in->imm == 64 ? NULL
                                                              : "byte swap width must be 16, 32 or 64";
    default:
        return "unknown opcode";
    }
}

static const char *check_atomic(const struct bpf_insn *in)
{
    switch (in->imm) {
    case BPF_ADD: case BPF_OR: case BPF_AND: case BPF_XOR:
    case BPF_ADD | BPF_FETCH: case BPF_OR | BPF_FETCH: case BPF_AND | BPF_FETCH:
    case BPF_XOR | BPF_FETCH: case BPF_XCHG: case BPF_CMPXCHG:
        return NULL;
    default:
        return "unknown atomic operation";
    }
}

static const char *check_opcode(const struct bpf_insn *in)
{
    uint8_t c = in->code;
    switch (BPF_CLASS(c)) {
    case BPF_ALU:
        return check_alu(in, false);
    case BPF_ALU64:
        return check_alu(in, true);
    case BPF_LD:
        if (c == (BPF_LD | BPF_IMM | BPF_DW))
            return NULL;
        if ((BPF_MODE(c) == BPF_ABS || BPF_MODE(c) == BPF_IND) && BPF_SIZE(c) != BPF_DW)
            return NULL;
        return "unknown opcode";
    case BPF_LDX:
        if (BPF_MODE(c) == BPF_MEM)
            return NULL;
        if (BPF_MODE(c) == BPF_MEMSX && BPF_SIZE(c) != BPF_DW)
            return NULL;
        return "unknown opcode";
    case BPF_ST:
        return BPF_MODE(c) == BPF_MEM ? NULL : "unknown opcode";
    case BPF_STX:
        if (BPF_MODE(c) == BPF_MEM)
            return NULL;
        if (BPF_MODE(c) == BPF_ATOMIC && (BPF_SIZE(c) == BPF_W || BPF_SIZE(c) == BPF_DW))
            return check_atomic(in);
        return "unknown opcode";
    case BPF_JMP:
    case BPF_JMP32: {
        bool j32 = BPF_CLASS(c) == BPF_JMP32;
        switch (BPF_OP(c)) {
        case BPF_JA:
            return BPF_SRC(c) == BPF_K ? NULL : "unknown opcode";
        case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET: case BPF_JNE:
        case BPF_JSGT: case BPF_JSGE: case BPF_JLT: case BPF_JLE: case BPF_JSLT:
        case BPF_JSLE:
            return NULL;
        case BPF_CALL:
            if (j32)
                return "unknown opcode";
            if (BPF_SRC(c) == BPF_X)
                return NULL; /* callx: helper id in dst */
            return in->src_reg <= BPF_PSEUDO_KFUNC_CALL ? NULL : "unknown call kind (src_reg)";
        case BPF_EXIT:
            return j32 || BPF_SRC(c) != BPF_K ? "unknown opcode" : NULL;
        default:
            return "unknown opcode";
        }
    }
    }
    return "unknown opcode";
}

/* Target slot of a jump or local call at `i`, or INT64_MIN if `in` has none. */
static int64_t branch_target(const struct bpf_insn *in, uint32_t i)
{
    uint8_t c = in->code, cls = BPF_CLASS(c), op = BPF_OP(c);
    if (vm_insn_is_lddw(in) && in->src_reg == BPF_PSEUDO_FUNC)
        return (int64_t)i + 1 + in->imm; /* a callback's address */
    if (cls != BPF_JMP && cls != BPF_JMP32)
        return INT64_MIN;
    if (op == BPF_EXIT)
        return INT64_MIN;
    if (op == BPF_CALL)
        return in->src_reg == BPF_PSEUDO_CALL && BPF_SRC(c) == BPF_K
                   ? (int64_t)i + 1 + in->imm
                   : INT64_MIN;
    if (cls == BPF_JMP32 && op == BPF_JA)
        return (int64_t)i + 1 + in->imm; /* gotol */
    return (int64_t)i + 1 + in->off;
}

int vm_prog_check(const struct vm_prog *prog, char *err, size_t errlen)
{
    const struct bpf_insn *insns = prog->insns;
    uint32_t n = prog->len;
    if (n == 0)
        return vm_fail(err, errlen, -EINVAL, "program is empty");

    /* Pass 1: opcodes, registers, lddw pairs. second[] marks lddw tails. */
    uint8_t *second = calloc(n, 1);
    if (!second)
        return vm_fail(err, errlen, -ENOMEM, "out of memory");
    int rc = 0;
    for (uint32_t i = 0; i < n && !rc; i++) {
        const struct bpf_insn *in = &insns[i];
        const char *why = check_opcode(in);
        if (why) {
            rc = strcmp(why, "unknown opcode") == 0
                     ? vm_fail(err, errlen, -EINVAL, "insn %u: unknown opcode 0x%02x", i, in->code)
                     : vm_fail(err, errlen, -EINVAL, "insn %u: %s (opcode 0x%02x)", i, why, in->code);
            break;
        }
        /* lddw and call keep a kind, not a register, in src_reg */
        if (in->dst_reg > 10 || (in->src_reg > 10 && !vm_insn_is_lddw(in) &&
                                 in->code != (BPF_JMP | BPF_CALL))) {
            rc = vm_fail(err, errlen, -EINVAL, "insn %u: invalid register r%u", i,
                      in->dst_reg > 10 ? in->dst_reg : in->src_reg);
            break;
        }
        if (vm_insn_is_lddw(in) && in->src_reg > BPF_PSEUDO_MAP_IDX_VALUE) {
            rc = vm_fail(err, errlen, -EINVAL, "insn %u: unknown lddw source kind %u", i,
                      in->src_reg);
            break;
        }
        if (vm_insn_is_lddw(in)) {
            if (i + 1 >= n || insns[i + 1].code != 0 || insns[i + 1].dst_reg ||
                insns[i + 1].src_reg || insns[i + 1].off) {
                rc = vm_fail(err, errlen, -EINVAL, "insn %u: lddw missing its second half", i);
                break;
            }
            second[++i] = 1;
        }
    }
    /* Pass 2: branch targets (and callback addresses). */
    for (uint32_t i = 0; i < n && !rc; i++) {
        if (second[i])
            continue;
        int64_t t = branch_target(&insns[i], i);
        if (t == INT64_MIN)
            continue;
        if (t < 0 || t >= (int64_t)n)
            rc = vm_fail(err, errlen, -EINVAL, "insn %u: jump out of range from insn %u to %lld", i,
                      i, (long long)t);
        else if (second[t])
            rc = vm_fail(err, errlen, -EINVAL, "insn %u: jump into the middle of lddw at insn %lld",
                      i, (long long)t - 1);
    }
    free(second);
    return rc;
}
