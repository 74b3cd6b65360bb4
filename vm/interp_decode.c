/* vm/interp_decode.c - map an instruction (already accepted by
 * vm_prog_check) to its interpreter handler, once, at load time. */
#include "vm/vm_internal.h"

static enum vm_op alu_op(const struct bpf_insn *in, bool is64)
{
    bool x = BPF_SRC(in->code) == BPF_X;
    bool s = in->off == 1; /* sdiv/smod */
#define PICK(name) (is64 ? (x ? VM_OP_##name##64_X : VM_OP_##name##64_K) \
                         : (x ? VM_OP_##name##32_X : VM_OP_##name##32_K))
    switch (BPF_OP(in->code)) {
    case BPF_ADD: return PICK(ADD);
    case BPF_SUB: return PICK(SUB);
    case BPF_MUL: return PICK(MUL);
    case BPF_DIV: return s ? PICK(SDIV) : PICK(DIV);
    case BPF_MOD: return s ? PICK(SMOD) : PICK(MOD);
    case BPF_OR: return PICK(OR);
    case BPF_AND: return PICK(AND);
    case BPF_LSH: return PICK(LSH);
    case BPF_RSH: return PICK(RSH);
    case BPF_ARSH: return PICK(ARSH);
    case BPF_XOR: return PICK(XOR);
    case BPF_NEG: return is64 ? VM_OP_NEG64 : VM_OP_NEG32;
    case BPF_MOV:
        if (x && in->off == 8) return is64 ? VM_OP_MOVSX8_64 : VM_OP_MOVSX8_32;
        if (x && in->off == 16) return is64 ? VM_OP_MOVSX16_64 : VM_OP_MOVSX16_32;
        if (x && in->off == 32) return VM_OP_MOVSX32_64;
        return PICK(MOV);
    case BPF_END:
        if (is64) /* ALU64|END|K is the unconditional bswap (cpu v4) */
            return in->imm == 16 ? VM_OP_BSWAP16 : in->imm == 32 ? VM_OP_BSWAP32 : VM_OP_BSWAP64;
        if (x)
            return in->imm == 16 ? VM_OP_BE16 : in->imm == 32 ? VM_OP_BE32 : VM_OP_BE64;
        return in->imm == 16 ? VM_OP_LE16 : in->imm == 32 ? VM_OP_LE32 : VM_OP_LE64;
    }
#undef PICK
    return VM_OP_INVALID;
}

static enum vm_op atomic_op(const struct bpf_insn *in)
{
    bool w64 = BPF_SIZE(in->code) == BPF_DW;
#define A(name) (w64 ? VM_OP_##name##64 : VM_OP_##name##32)
    switch (in->imm) {
    case BPF_ADD: return A(AADD);
    case BPF_OR: return A(AOR);
    case BPF_AND: return A(AAND);
    case BPF_XOR: return A(AXOR);
    case BPF_ADD | BPF_FETCH: return A(AFADD);
    case BPF_OR | BPF_FETCH: return A(AFOR);
    case BPF_AND | BPF_FETCH: return A(AFAND);
    case BPF_XOR | BPF_FETCH: return A(AFXOR);
    case BPF_XCHG: return A(AXCHG);
    case BPF_CMPXCHG: return A(ACMPXCHG);
    }
#undef A
    return VM_OP_INVALID;
}

static enum vm_op jmp_op(const struct bpf_insn *in, bool is32)
{
    bool x = BPF_SRC(in->code) == BPF_X;
#define J(name) (is32 ? (x ? VM_OP_##name##32_X : VM_OP_##name##32_K) \
                      : (x ? VM_OP_##name##64_X : VM_OP_##name##64_K))
    switch (BPF_OP(in->code)) {
    case BPF_JA: return is32 ? VM_OP_GOTOL : VM_OP_JA;
    case BPF_JEQ: return J(JEQ);
    case BPF_JGT: return J(JGT);
    case BPF_JGE: return J(JGE);
    case BPF_JSET: return J(JSET);
    case BPF_JNE: return J(JNE);
    case BPF_JSGT: return J(JSGT);
    case BPF_JSGE: return J(JSGE);
    case BPF_JLT: return J(JLT);
    case BPF_JLE: return J(JLE);
    case BPF_JSLT: return J(JSLT);
    case BPF_JSLE: return J(JSLE);
    case BPF_CALL:
        if (x) return VM_OP_CALLX;
        return in->src_reg == BPF_PSEUDO_CALL ? VM_OP_CALL_LOCAL
               : in->src_reg == BPF_PSEUDO_KFUNC_CALL ? VM_OP_CALL_KFUNC
                                                      : VM_OP_CALL;
    case BPF_EXIT: return VM_OP_EXIT;
    }
#undef J
    return VM_OP_INVALID;
}

enum vm_op vm_decode_op(const struct bpf_insn *in)
{
    static const enum vm_op ldx[4] = {VM_OP_LDXW, VM_OP_LDXH, VM_OP_LDXB, VM_OP_LDXDW};
    static const enum vm_op ldxs[4] = {VM_OP_LDXSW, VM_OP_LDXSH, VM_OP_LDXSB, VM_OP_INVALID};
    static const enum vm_op st[4] = {VM_OP_STW, VM_OP_STH, VM_OP_STB, VM_OP_STDW};
    static const enum vm_op stx[4] = {VM_OP_STXW, VM_OP_STXH, VM_OP_STXB, VM_OP_STXDW};
    unsigned sz = BPF_SIZE(in->code) >> 3; /* W=0, H=1, B=2, DW=3 */

    switch (BPF_CLASS(in->code)) {
    case BPF_ALU: return alu_op(in, false);
    case BPF_ALU64: return alu_op(in, true);
    case BPF_JMP: return jmp_op(in, false);
    case BPF_JMP32: return jmp_op(in, true);
    case BPF_LD:
        if (vm_insn_is_lddw(in))
            return VM_OP_LDDW;
        return BPF_MODE(in->code) == BPF_IND ? VM_OP_LD_IND : VM_OP_LD_ABS;
    case BPF_LDX:
        return BPF_MODE(in->code) == BPF_MEMSX ? ldxs[sz] : ldx[sz];
    case BPF_ST: return st[sz];
    case BPF_STX:
        return BPF_MODE(in->code) == BPF_ATOMIC ? atomic_op(in) : stx[sz];
    }
    return VM_OP_INVALID;
}
