/* tools/gen_mutate.c - mutations of a generated program at the sites the
 * generator recorded: each one moves a program across an edge of a
 * verifier rule (a packet bound one byte short, a dropped null check, an
 * access one past the end of a map value, a loop without progress...). The
 * code keeps its length, so every jump stays valid. */
#include "tools/gen_int.h"

#include <stdio.h>
#include <string.h>

static const uint8_t sizes[4] = {BPF_B, BPF_H, BPF_W, BPF_DW};

static int size_bytes(uint8_t code)
{
    return (int)vm_size_bytes(code);
}

static uint8_t inverse_jmp(uint8_t op)
{
    switch (op) {
    case BPF_JGT: return BPF_JLE;
    case BPF_JLE: return BPF_JGT;
    case BPF_JGE: return BPF_JLT;
    case BPF_JLT: return BPF_JGE;
    case BPF_JEQ: return BPF_JNE;
    case BPF_JNE: return BPF_JEQ;
    case BPF_JSGT: return BPF_JSLE;
    case BPF_JSLE: return BPF_JSGT;
    case BPF_JSGE: return BPF_JSLT;
    case BPF_JSLT: return BPF_JSGE;
    default: return op;
    }
}

static bool is_lddw_hi(const struct gen *g, uint32_t i)
{
    return i > 0 && vm_insn_is_lddw(&g->code[i - 1]);
}

/* A random field of a random instruction. */
static void chaos(struct gen *g, char *buf, size_t n)
{
    uint32_t i;
    int tries = 0;
    do
        i = (uint32_t)grand(g, g->len);
    while ((is_lddw_hi(g, i) || vm_insn_is_lddw(&g->code[i])) && ++tries < 16);
    struct bpf_insn *in = &g->code[i];
    int what = (int)grand(g, 5);
    /* a deterministic program (runtime comparisons) keeps its helper ids:
     * a new one could be a random or clock helper */
    if (g->det && in->code == (BPF_JMP | BPF_CALL) && (what == 1 || what == 3))
        what = 2;
    switch (what) {
    case 0:
        in->dst_reg = (uint8_t)grand(g, 11);
        snprintf(buf, n, "chaos: insn %u dst_reg -> r%u", i, in->dst_reg);
        break;
    case 1:
        if (BPF_SRC(in->code) == BPF_X || BPF_CLASS(in->code) == BPF_LDX ||
            BPF_CLASS(in->code) == BPF_STX) {
            in->src_reg = (uint8_t)grand(g, 11);
            snprintf(buf, n, "chaos: insn %u src_reg -> r%u", i, in->src_reg);
        } else {
            in->imm = (int32_t)grng_next(&g->rng);
            snprintf(buf, n, "chaos: insn %u imm -> %d", i, in->imm);
        }
        break;
    case 2:
        in->off = (int16_t)(in->off + (int16_t)grange(g, -8, 8));
        snprintf(buf, n, "chaos: insn %u off -> %d", i, in->off);
        break;
    case 3:
        in->imm = (int32_t)(gchance(g, 50) ? grange(g, -2, 64) : (int64_t)(int32_t)grng_next(&g->rng));
        snprintf(buf, n, "chaos: insn %u imm -> %d", i, in->imm);
        break;
    default: {
        uint8_t cls = BPF_CLASS(in->code);
        if (cls == BPF_ALU || cls == BPF_ALU64) {
            static const uint8_t ops[] = {BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND,
                                          BPF_LSH, BPF_RSH, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH};
            in->code = (uint8_t)((in->code & ~0xf0) | ops[grand(g, sizeof ops)]);
            if (gchance(g, 30))
                in->code ^= BPF_ALU ^ BPF_ALU64;
        } else if (cls == BPF_JMP || cls == BPF_JMP32) {
            uint8_t op = BPF_OP(in->code);
            if (op != BPF_CALL && op != BPF_EXIT && op != BPF_JA) {
                static const uint8_t j[] = {BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT,
                                            BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE};
                in->code = (uint8_t)((in->code & ~0xf0) | j[grand(g, sizeof j)]);
            }
        } else if (cls == BPF_LDX || cls == BPF_STX || cls == BPF_ST) {
            in->code = (uint8_t)((in->code & ~0x18) | sizes[grand(g, 4)]);
        }
        snprintf(buf, n, "chaos: insn %u code -> 0x%02x", i, in->code);
        break;
    }
    }
}

void gen_mutate(struct gen *g, char *buf, size_t n)
{
    if (g->len == 0)
        return;
    if (g->n_sites == 0 || gchance(g, 6)) {
        chaos(g, buf, n);
        return;
    }
    const struct gsite *s = &g->sites[grand(g, g->n_sites)];
    struct bpf_insn *in = &g->code[s->at];
    int how = (int)grand(g, 4);
    switch (s->kind) {
    case GS_PKT_GUARD: {
        struct bpf_insn *cmp = &g->code[s->at2];
        if (how == 0 || how == 3) {
            int d = (int)grange(g, 1, s->a < 4 ? s->a : 4);
            in->imm = s->a - d;
            snprintf(buf, n, "packet bound at insn %u shortened: %d -> %d", s->at, s->a, in->imm);
        } else if (how == 1) {
            cmp->code = (uint8_t)((cmp->code & ~0xf0) | inverse_jmp(BPF_OP(cmp->code)));
            snprintf(buf, n, "packet check at insn %u inverted", s->at2);
        } else {
            /* the taken-side form "if t <= end goto +1; goto skip" jumps over
             * its "goto skip": always taking it drops the check */
            *cmp = GI(BPF_JMP | BPF_JA, 0, 0, s->b ? 1 : 0, 0);
            snprintf(buf, n, "packet check at insn %u dropped", s->at2);
        }
        break;
    }
    case GS_NULL_CHECK:
        if (how < 2) {
            /* the inverted form "if r0 != 0 goto +1; goto skip" keeps off 1 */
            *in = GI(BPF_JMP | BPF_JA, 0, 0, s->a == 1 ? 1 : 0, 0);
            snprintf(buf, n, "null check at insn %u dropped", s->at);
        } else {
            in->code = (uint8_t)((in->code & ~0xf0) | inverse_jmp(BPF_OP(in->code)));
            snprintf(buf, n, "null check at insn %u inverted", s->at);
        }
        break;
    case GS_ACCESS: {
        uint8_t cls = BPF_CLASS(in->code);
        int sz = size_bytes(in->code);
        if (cls == BPF_LD) {
            in->imm += (int32_t)grange(g, 1, 2000);
            snprintf(buf, n, "packet load at insn %u moved to %d", s->at, in->imm);
        } else if (how == 0 && sz < 8) {
            uint8_t bigger = sizes[1 + grand(g, 3)];
            while (vm_size_bytes(bigger) <= (unsigned)sz)
                bigger = sizes[3];
            in->code = (uint8_t)((in->code & ~0x18) | bigger);
            snprintf(buf, n, "access at insn %u widened: %d -> %u bytes", s->at, sz,
                     vm_size_bytes(bigger));
        } else if (how == 1 || s->a <= 0) {
            int d = (int)grange(g, 1, 4);
            in->off = (int16_t)(in->off + d);
            snprintf(buf, n, "access at insn %u moved %d bytes up (off %d)", s->at, d, in->off);
        } else if (how == 2) {
            in->off = (int16_t)(s->a - sz + 1);
            snprintf(buf, n, "access at insn %u moved one byte past its limit (off %d, size %d, "
                     "limit %d)", s->at, in->off, sz, s->a);
        } else {
            in->off = (int16_t)(-1 - (int)grand(g, 8));
            snprintf(buf, n, "access at insn %u moved below its object (off %d)", s->at, in->off);
        }
        break;
    }
    case GS_MASK:
        if (s->b == 0) {
            if (how < 2) {
                in->imm = (int32_t)((uint32_t)s->a * 2 + 1);
                snprintf(buf, n, "mask at insn %u widened: %#x -> %#x", s->at, s->a, in->imm);
            } else {
                in->code = (uint8_t)((in->code & ~0xf0) | BPF_OR);
                snprintf(buf, n, "mask at insn %u turned into an or", s->at);
            }
        } else if (s->b == 1) {
            in->imm -= (int32_t)grange(g, 1, 4);
            snprintf(buf, n, "bounding shift at insn %u shortened to %d", s->at, in->imm);
        } else {
            in->imm += (int32_t)grange(g, 1, 8);
            snprintf(buf, n, "index bound at insn %u raised: %d -> %d", s->at, s->a, in->imm);
        }
        break;
    case GS_LOOP: {
        struct bpf_insn *back = &g->code[s->at2];
        if (how < 2) {
            in->imm = 0;
            snprintf(buf, n, "loop counter update at insn %u made a no-op", s->at);
        } else if (BPF_OP(back->code) == BPF_JLT && how == 2) {
            /* longer, still bounded: more states for pruning to merge */
            back->imm = s->a * (int32_t)grange(g, 8, 40);
            snprintf(buf, n, "loop bound at insn %u raised to %d", s->at2, back->imm);
        } else {
            back->code = (uint8_t)((back->code & ~0xf0) | inverse_jmp(BPF_OP(back->code)));
            snprintf(buf, n, "loop condition at insn %u inverted", s->at2);
        }
        break;
    }
    case GS_INIT:
        if (vm_insn_is_lddw(in))
            break;
        *in = GI(BPF_JMP | BPF_JA, 0, 0, 0, 0);
        snprintf(buf, n, "initialisation at insn %u dropped", s->at);
        break;
    case GS_STACK: {
        int sz = size_bytes(in->code);
        if (how == 0) {
            in->off = (int16_t)(in->off - 512);
            snprintf(buf, n, "stack access at insn %u moved out of the frame (off %d)", s->at, in->off);
        } else if (how == 1 && sz > 1) {
            in->off = (int16_t)(in->off + 1);
            snprintf(buf, n, "stack access at insn %u misaligned (off %d)", s->at, in->off);
        } else {
            in->off = (int16_t)(gchance(g, 50) ? 0 : -sz + (int)grange(g, 1, 8));
            snprintf(buf, n, "stack access at insn %u moved above the frame (off %d)", s->at, in->off);
        }
        break;
    }
    case GS_SIZE:
        if (how == 0) {
            in->imm = 0;
        } else if (how == 1) {
            in->imm = s->b + (int32_t)grange(g, 1, 8);
        } else if (how == 2) {
            in->imm = -1;
        } else {
            in->imm = s->a + 1;
        }
        snprintf(buf, n, "helper size at insn %u: %d -> %d (memory of %d bytes)", s->at, s->a,
                 in->imm, s->b);
        break;
    case GS_RET:
        if (how < 2) {
            *in = GI(BPF_ALU64 | BPF_MOV | BPF_X, 0, 10, 0, 0);
            snprintf(buf, n, "return value at insn %u made the frame pointer", s->at);
        } else {
            *in = GI(BPF_JMP | BPF_JA, 0, 0, 0, 0);
            snprintf(buf, n, "return value at insn %u dropped", s->at);
        }
        break;
    case GS_BRANCH:
        if (how < 2 && BPF_SRC(in->code) == BPF_K) {
            in->imm += gchance(g, 50) ? 1 : -1;
            snprintf(buf, n, "branch at insn %u: constant moved by one (%d)", s->at, in->imm);
        } else {
            in->code = (uint8_t)((in->code & ~0xf0) | inverse_jmp(BPF_OP(in->code)));
            snprintf(buf, n, "branch at insn %u inverted", s->at);
        }
        break;
    case GS_KEY:
        in->imm = how < 2 ? s->b : how == 2 ? -1 : s->b + (int32_t)grange(g, 1, 100);
        snprintf(buf, n, "array key at insn %u: %d -> %d (max_entries %d)", s->at, s->a, in->imm,
                 s->b);
        break;
    default:
        chaos(g, buf, n);
        break;
    }
    if (!buf[0])
        chaos(g, buf, n);
}
