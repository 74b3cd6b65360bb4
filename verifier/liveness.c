/* verifier/liveness.c - register liveness before each instruction (the
 * kernel's compute_live_registers, 6.15+): a backward may-live dataflow
 * over the CFG. The walk uses it to decide which scalars are linked
 * (collect_linked_regs only looks at live registers); level 2 logs print
 * it as "Live regs before insn:". */
#include "verifier/verifier_int.h"

#include "helpers/helpers.h"

#include <errno.h>
#include <stdlib.h>

#define BIT(n) ((uint16_t)(1u << (n)))
#define CALLER_SAVED 0x3f /* r0..r5 */

static void insn_use_def(const struct bpf_insn *in, uint16_t *use, uint16_t *def)
{
    uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code), mode = BPF_MODE(in->code);
    uint16_t src = BIT(in->src_reg & 0xf), dst = BIT(in->dst_reg & 0xf), r0 = BIT(0);
    *def = 0;
    *use = 0xffff;
    switch (cls) {
    case BPF_LD:
        if (mode == BPF_IMM && BPF_SIZE(in->code) == BPF_DW) {
            *def = dst;
            *use = 0;
        }
        break;
    case BPF_LDX:
        if (mode == BPF_MEM || mode == BPF_MEMSX) {
            *def = dst;
            *use = src;
        }
        break;
    case BPF_ST:
        if (mode == BPF_MEM) {
            *def = 0;
            *use = dst;
        }
        break;
    case BPF_STX:
        if (mode == BPF_MEM) {
            *def = 0;
            *use = dst | src;
        } else if (mode == BPF_ATOMIC) {
            if (in->imm == BPF_CMPXCHG) {
                *use = r0 | dst | src;
                *def = r0;
            } else {
                *use = dst | src;
                *def = (in->imm & BPF_FETCH) ? src : 0;
            }
        }
        break;
    case BPF_ALU:
    case BPF_ALU64:
        *def = dst;
        if (op == BPF_END)
            *use = dst;
        else if (op == BPF_MOV)
            *use = BPF_SRC(in->code) == BPF_K ? 0 : src;
        else
            *use = BPF_SRC(in->code) == BPF_K ? dst : dst | src;
        break;
    case BPF_JMP:
    case BPF_JMP32:
        switch (op) {
        case BPF_JA:
        case 0xe0: /* BPF_JCOND */
            *def = 0;
            *use = 0;
            break;
        case BPF_EXIT:
            *def = 0;
            *use = r0;
            break;
        case BPF_CALL: {
            *def = CALLER_SAVED;
            *use = CALLER_SAVED & ~r0;
            struct helper_proto fixed;
            const struct helper_proto *p =
                in->src_reg == 0 ? v_helper_proto(in->imm, &fixed) : NULL;
            if (p) {
                int n = 0;
                while (n < 5 && p->args[n] != HELPER_ARG_NONE)
                    n++;
                *use = (uint16_t)(((1u << (n + 1)) - 1) & ~1u);
            }
            break;
        }
        default:
            *def = 0;
            *use = BPF_SRC(in->code) == BPF_K ? dst : dst | src;
        }
        break;
    }
}

/* Successors of insn i inside its function: 0, 1 or 2 of them. */
static unsigned successors(const struct venv *env, uint32_t i, uint32_t out[2])
{
    const struct bpf_insn *in = &env->insns[i];
    uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
    unsigned n = 0;
    if (cls != BPF_JMP && cls != BPF_JMP32) {
        uint32_t next = i + (vm_insn_is_lddw(in) ? 2 : 1);
        if (next < env->len)
            out[n++] = next;
        return n;
    }
    if (op == BPF_EXIT)
        return 0;
    if (op == BPF_CALL) {
        if (i + 1 < env->len)
            out[n++] = i + 1;
        return n;
    }
    if (op == BPF_JA) {
        int64_t t = (int64_t)i + 1 + (cls == BPF_JMP ? in->off : in->imm);
        if (t >= 0 && t < env->len)
            out[n++] = (uint32_t)t;
        return n;
    }
    if (i + 1 < env->len)
        out[n++] = i + 1;
    int64_t t = (int64_t)i + 1 + in->off;
    if (t >= 0 && t < env->len && (uint32_t)t != i + 1)
        out[n++] = (uint32_t)t;
    return n;
}

int v_compute_live_regs(struct venv *env)
{
    uint32_t n = env->len;
    uint16_t *use = calloc(n, sizeof(*use)), *def = calloc(n, sizeof(*def));
    uint16_t *in = calloc(n, sizeof(*in)), *out = calloc(n, sizeof(*out));
    if (!use || !def || !in || !out) {
        free(use);
        free(def);
        free(in);
        free(out);
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < n; i++)
        insn_use_def(&env->insns[i], &use[i], &def[i]);
    bool changed = true;
    while (changed) {
        changed = false;
        for (uint32_t k = n; k-- > 0;) {
            if (k > 0 && vm_insn_is_lddw(&env->insns[k - 1]))
                continue; /* second slot of a ld_imm64 */
            uint32_t succ[2];
            unsigned ns = successors(env, k, succ);
            uint16_t new_out = 0;
            for (unsigned s = 0; s < ns; s++)
                new_out |= in[succ[s]];
            uint16_t new_in = (uint16_t)((new_out & ~def[k]) | use[k]);
            if (new_out != out[k] || new_in != in[k]) {
                in[k] = new_in;
                out[k] = new_out;
                changed = true;
            }
        }
    }
    for (uint32_t i = 0; i < n; i++)
        env->aux[i].live_regs_before = in[i];
    if (env->log.level & 2) {
        verbose(env, "Live regs before insn:\n");
        for (uint32_t i = 0; i < n; i++) {
            char mask[11];
            for (int j = 0; j < 10; j++)
                mask[j] = (in[i] & BIT(j)) ? (char)('0' + j) : '.';
            mask[10] = '\0';
            verbose(env, "    %3u: %s ", i, mask);
            v_print_insn(env, i);
            if (vm_insn_is_lddw(&env->insns[i]))
                i++;
        }
    }
    free(use);
    free(def);
    free(in);
    free(out);
    return 0;
}
