/* verifier/cfg.c - the structural passes the kernel runs before (and one
 * after) the path walk, in its order and with its messages:
 *
 *  1. v_add_subprogs (add_subprog_and_kfunc): bpf2bpf call and callback
 *     targets become subprogram starts;
 *  2. v_check_subprogs: jumps stay inside their subprogram, each
 *     subprogram ends in exit or ja;
 *  3. v_check_insns_early (resolve_pseudo_ldimm64): BPF_LDX reserved
 *     fields, ld_imm64 pairs and their map references, the opcode table;
 *  4. v_check_cfg (check_cfg): a depth-first search from insn 0; back-edges
 *     (rejected without CAP_BPF), unreachable insns, jumps into the middle
 *     of a ld_imm64; marks the prune points the walk checkpoints at;
 *  5. v_check_max_stack_depth: after the walk, the stack of every call
 *     chain and the call depth.
 */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's bpf_opcode_in_insntable (kernel/bpf/core.c): the opcodes
 * (code byte only) the verifier knows. BPF_LDX is checked before it. */
static bool opcode_known(uint8_t code)
{
    uint8_t cls = BPF_CLASS(code), op = BPF_OP(code), mode = BPF_MODE(code);
    switch (cls) {
    case BPF_ALU:
    case BPF_ALU64:
        switch (op) {
        case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV: case BPF_OR: case BPF_AND:
        case BPF_LSH: case BPF_RSH: case BPF_MOD: case BPF_XOR: case BPF_MOV: case BPF_ARSH:
            return true;
        case BPF_NEG:
            return BPF_SRC(code) == BPF_K;
        case BPF_END:
            return cls == BPF_ALU || BPF_SRC(code) == BPF_K;
        default:
            return false;
        }
    case BPF_JMP:
    case BPF_JMP32:
        switch (op) {
        case BPF_JA:
            return BPF_SRC(code) == BPF_K;
        case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET: case BPF_JNE: case BPF_JSGT:
        case BPF_JSGE: case BPF_JLT: case BPF_JLE: case BPF_JSLT: case BPF_JSLE:
            return true;
        case BPF_CALL: case BPF_EXIT:
            return cls == BPF_JMP && BPF_SRC(code) == BPF_K;
        case 0xe0: /* BPF_JCOND (may_goto) */
            return cls == BPF_JMP && BPF_SRC(code) == BPF_K;
        default:
            return false;
        }
    case BPF_LD:
        if (code == (BPF_LD | BPF_IMM | BPF_DW))
            return true;
        return (mode == BPF_ABS || mode == BPF_IND) && BPF_SIZE(code) != BPF_DW;
    case BPF_LDX:
        return mode == BPF_MEM || (mode == BPF_MEMSX && BPF_SIZE(code) != BPF_DW);
    case BPF_ST:
        return mode == BPF_MEM;
    case BPF_STX:
        return mode == BPF_MEM || mode == BPF_ATOMIC;
    }
    return false;
}

const struct verifier_map *v_map(const struct venv *env, uint32_t idx)
{
    if (!env->opts->maps || idx >= env->opts->n_maps)
        return NULL;
    return &env->opts->maps[idx];
}

int v_check_insns_early(struct venv *env)
{
    const struct bpf_insn *insn = env->insns;
    uint32_t n = env->len;
    for (uint32_t i = 0; i < n; i++) {
        env->insn_idx = i;
        uint8_t code = insn[i].code;
        if (BPF_CLASS(code) == BPF_LDX &&
            ((BPF_MODE(code) != BPF_MEM && BPF_MODE(code) != BPF_MEMSX) || insn[i].imm != 0))
            return v_err(env, -EINVAL, "BPF_LDX uses reserved fields\n");
        if (code == (BPF_LD | BPF_IMM | BPF_DW)) {
            if (i == n - 1 || insn[i + 1].code != 0 || insn[i + 1].dst_reg != 0 ||
                insn[i + 1].src_reg != 0 || insn[i + 1].off != 0)
                return v_err(env, -EINVAL, "invalid bpf_ld_imm64 insn\n");
            uint8_t src = insn[i].src_reg;
            if (src == 0 || src == BPF_PSEUDO_FUNC) {
                i++;
                continue;
            }
            if (src == BPF_PSEUDO_BTF_ID)
                return v_err(env, -EINVAL, "kernel is missing BTF, make sure CONFIG_DEBUG_INFO_BTF=y is specified in Kconfig.\n");
            bool value = src == BPF_PSEUDO_MAP_VALUE || src == BPF_PSEUDO_MAP_IDX_VALUE;
            if (!value && !((src == BPF_PSEUDO_MAP_FD || src == BPF_PSEUDO_MAP_IDX) &&
                            insn[i + 1].imm == 0))
                return v_err(env, -EINVAL, "unrecognized bpf_ld_imm64 insn\n");
            const struct verifier_map *m = v_map(env, (uint32_t)insn[i].imm);
            if (!m)
                return v_err(env, -EBADF, "fd %d is not pointing to valid bpf_map\n",
                             insn[i].imm);
            if (value) {
                uint32_t off = (uint32_t)insn[i + 1].imm;
                if (off >= V_MAX_VAR_OFF)
                    return v_err(env, -EINVAL, "direct value offset of %u is not allowed\n", off);
                if (m->type != BPF_MAP_TYPE_ARRAY)
                    return v_err(env, -EINVAL,
                                 "no direct value access support for this map type\n");
                if (m->max_entries != 1 || off >= m->value_size)
                    return v_err(env, -524 /* ENOTSUPP */,
                                 "invalid access to map value pointer, value_size=%u off=%u\n",
                                 m->value_size, off);
            }
            i++;
            continue;
        }
        if (!opcode_known(code))
            return v_err(env, -EINVAL, "unknown opcode %02x\n", code);
    }
    return 0;
}

static bool is_pseudo_call(const struct bpf_insn *in)
{
    return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_CALL;
}

static bool is_pseudo_func(const struct bpf_insn *in)
{
    return vm_insn_is_lddw(in) && in->src_reg == BPF_PSEUDO_FUNC;
}

static int subprog_cmp(const void *a, const void *b)
{
    const struct vsubprog *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int add_subprog(struct venv *env, int64_t off)
{
    if (off >= (int64_t)env->len || off < 0)
        return v_err(env, -EINVAL, "call to invalid destination\n");
    for (uint32_t i = 0; i < env->n_subprogs; i++)
        if (env->subprogs[i].start == (uint32_t)off)
            return 0;
    if (env->n_subprogs >= V_MAX_SUBPROGS)
        return v_err(env, -E2BIG, "too many subprograms\n");
    memset(&env->subprogs[env->n_subprogs], 0, sizeof(env->subprogs[0]));
    env->subprogs[env->n_subprogs++].start = (uint32_t)off;
    qsort(env->subprogs, env->n_subprogs, sizeof(env->subprogs[0]), subprog_cmp);
    return 0;
}

int v_add_subprogs(struct venv *env)
{
    env->n_subprogs = 0;
    int rc = add_subprog(env, 0);
    if (rc)
        return rc;
    for (uint32_t i = 0; i < env->len; i++) {
        const struct bpf_insn *in = &env->insns[i];
        bool kfunc = in->code == (BPF_JMP | BPF_CALL) && in->src_reg == BPF_PSEUDO_KFUNC_CALL;
        if (!is_pseudo_call(in) && !is_pseudo_func(in) && !kfunc)
            continue;
        env->insn_idx = i;
        if (!env->bpf_capable)
            return v_err(env, -EPERM, "loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN\n");
        if (kfunc) /* TODO: kfuncs need the kernel's BTF */
            return v_err(env, -EINVAL, "calling kernel functions are not allowed in this program\n");
        rc = add_subprog(env, (int64_t)i + in->imm + 1);
        if (rc)
            return rc;
    }
    /* a fake subprogram marks the end */
    env->subprogs[env->n_subprogs].start = env->len;
    return 0;
}

uint32_t v_find_subprog(const struct venv *env, uint32_t insn)
{
    uint32_t i = 0;
    while (i + 1 < env->n_subprogs && env->subprogs[i + 1].start <= insn)
        i++;
    return i;
}

int v_check_subprogs(struct venv *env)
{
    const struct bpf_insn *insn = env->insns;
    uint32_t cur = 0;
    int64_t start = env->subprogs[0].start, end = env->subprogs[1].start;
    for (uint32_t i = 0; i < env->len; i++) {
        uint8_t code = insn[i].code;
        env->insn_idx = i;
        if (code == (BPF_JMP | BPF_CALL) && insn[i].src_reg == 0 &&
            insn[i].imm == BPF_FUNC_tail_call)
            env->subprogs[cur].has_tail_call = true;
        if (BPF_CLASS(code) == BPF_LD && (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND))
            env->subprogs[cur].has_ld_abs = true;
        if ((BPF_CLASS(code) == BPF_JMP || BPF_CLASS(code) == BPF_JMP32) &&
            BPF_OP(code) != BPF_EXIT && BPF_OP(code) != BPF_CALL) {
            int64_t off = code == (BPF_JMP32 | BPF_JA) ? (int64_t)i + insn[i].imm + 1
                                                       : (int64_t)i + insn[i].off + 1;
            if (off < start || off >= end)
                return v_err(env, -EINVAL, "jump out of range from insn %u to %lld\n", i,
                             (long long)off);
        }
        if ((int64_t)i == end - 1) {
            if (code != (BPF_JMP | BPF_EXIT) && code != (BPF_JMP32 | BPF_JA) &&
                code != (BPF_JMP | BPF_JA))
                return v_err(env, -EINVAL, "last insn is not an exit or jmp\n");
            start = end;
            cur++;
            if (cur < env->n_subprogs)
                end = env->subprogs[cur + 1].start;
        }
    }
    return 0;
}

/* ----------------------------------------------------------- check_cfg */

enum { DISCOVERED = 0x10, EXPLORED = 0x20, FALLTHROUGH = 1, BRANCH = 2 };
enum { DONE_EXPLORING = 0, KEEP_EXPLORING = 1 };

struct cfg_walk {
    uint32_t *stack;
    uint32_t sp;
};

static void mark_prune_point(struct venv *env, uint32_t idx)
{
    env->aux[idx].prune_point = true;
}

static int push_insn(struct venv *env, struct cfg_walk *w, uint32_t t, int64_t to, int e)
{
    uint8_t *st_t = &env->aux[t].cfg_state;
    if (e == FALLTHROUGH && *st_t >= (DISCOVERED | FALLTHROUGH))
        return DONE_EXPLORING;
    if (e == BRANCH && *st_t >= (DISCOVERED | BRANCH))
        return DONE_EXPLORING;
    if (to < 0 || to >= (int64_t)env->len) {
        env->insn_idx = t;
        return v_err(env, -EINVAL, "jump out of range from insn %u to %lld\n", t, (long long)to);
    }
    uint32_t wi = (uint32_t)to;
    if (e == BRANCH) {
        mark_prune_point(env, wi);
        env->aux[wi].jmp_point = true;
    }
    uint8_t *st_w = &env->aux[wi].cfg_state;
    if (*st_w == 0) {
        *st_t = (uint8_t)(DISCOVERED | e);
        *st_w = DISCOVERED;
        w->stack[w->sp++] = wi;
        return KEEP_EXPLORING;
    }
    if ((*st_w & 0xf0) == DISCOVERED) {
        if (env->bpf_capable)
            return DONE_EXPLORING;
        env->insn_idx = t;
        return v_err(env, -EINVAL, "back-edge from insn %u to %u\n", t, wi);
    }
    /* EXPLORED: forward or cross edge */
    *st_t = (uint8_t)(DISCOVERED | e);
    return DONE_EXPLORING;
}

static int visit_call(struct venv *env, struct cfg_walk *w, uint32_t t, bool visit_callee)
{
    uint32_t sz = vm_insn_is_lddw(&env->insns[t]) ? 2 : 1;
    int ret = push_insn(env, w, t, (int64_t)t + sz, FALLTHROUGH);
    if (ret)
        return ret;
    mark_prune_point(env, t + sz);
    env->aux[t + sz].jmp_point = true;
    if (visit_callee) {
        mark_prune_point(env, t);
        ret = push_insn(env, w, t, (int64_t)t + env->insns[t].imm + 1, BRANCH);
    }
    return ret;
}

static bool is_sync_callback_call(const struct bpf_insn *in)
{
    return in->code == (BPF_JMP | BPF_CALL) && in->src_reg == 0 &&
           (in->imm == BPF_FUNC_loop || in->imm == BPF_FUNC_for_each_map_elem ||
            in->imm == BPF_FUNC_find_vma || in->imm == BPF_FUNC_user_ringbuf_drain);
}

static int visit_insn(struct venv *env, struct cfg_walk *w, uint32_t t)
{
    const struct bpf_insn *in = &env->insns[t];
    if (is_pseudo_func(in))
        return visit_call(env, w, t, true);
    uint8_t cls = BPF_CLASS(in->code);
    if (cls != BPF_JMP && cls != BPF_JMP32)
        return push_insn(env, w, t, (int64_t)t + (vm_insn_is_lddw(in) ? 2 : 1), FALLTHROUGH);
    int ret;
    switch (BPF_OP(in->code)) {
    case BPF_EXIT:
        return DONE_EXPLORING;
    case BPF_CALL:
        if (is_sync_callback_call(in)) {
            /* callbacks return here: a forced checkpoint (callbacks.c) */
            mark_prune_point(env, t);
            env->aux[t].jmp_point = true;
            env->aux[t].calls_callback = true;
        }
        return visit_call(env, w, t, in->src_reg == BPF_PSEUDO_CALL);
    case BPF_JA: {
        int64_t off = cls == BPF_JMP ? in->off : in->imm;
        ret = push_insn(env, w, t, (int64_t)t + off + 1, FALLTHROUGH);
        if (ret)
            return ret;
        mark_prune_point(env, (uint32_t)((int64_t)t + off + 1));
        env->aux[(int64_t)t + off + 1].jmp_point = true;
        return ret;
    }
    default:
        mark_prune_point(env, t);
        ret = push_insn(env, w, t, (int64_t)t + 1, FALLTHROUGH);
        if (ret)
            return ret;
        return push_insn(env, w, t, (int64_t)t + in->off + 1, BRANCH);
    }
}

int v_check_cfg(struct venv *env)
{
    struct cfg_walk w = {.stack = malloc(sizeof(uint32_t) * (env->len + 1)), .sp = 0};
    if (!w.stack)
        return -ENOMEM;
    int rc = 0;
    env->aux[0].cfg_state = DISCOVERED;
    w.stack[w.sp++] = 0;
    while (w.sp > 0) {
        uint32_t t = w.stack[w.sp - 1];
        int ret = visit_insn(env, &w, t);
        if (ret < 0) {
            rc = ret;
            goto out;
        }
        if (ret == DONE_EXPLORING) {
            env->aux[t].cfg_state = EXPLORED;
            w.sp--;
        }
    }
    for (uint32_t i = 0; i < env->len; i++) {
        env->insn_idx = i;
        if (env->aux[i].cfg_state != EXPLORED) {
            rc = v_err(env, -EINVAL, "unreachable insn %u\n", i);
            goto out;
        }
        if (vm_insn_is_lddw(&env->insns[i])) {
            if (i + 1 < env->len && env->aux[i + 1].cfg_state != 0) {
                rc = v_err(env, -EINVAL, "jump into the middle of ldimm64 insn %u\n", i);
                goto out;
            }
            i++;
        }
    }
out:
    free(w.stack);
    return rc;
}

/* ----------------------------------------------------- stack depth */

/* The kernel rounds each frame to 16 bytes when the program is JITed (the
 * default on x86-64: bpf_jit_enable=1), to 32 for the interpreter. */
static uint32_t round_depth(uint32_t d)
{
    return (d + 15) / 16 * 16;
}

int v_check_max_stack_depth(struct venv *env)
{
    const struct bpf_insn *insn = env->insns;
    uint32_t ret_insn[V_MAX_FRAMES], ret_prog[V_MAX_FRAMES];
    /* every subprogram reachable as a root: the main one only (static
     * subprograms and callbacks are walked from their call sites) */
    uint32_t idx = 0, i = env->subprogs[0].start, frame = 0, depth = 0;
process_func:
    if (idx && env->subprogs[idx].has_tail_call && depth >= 256)
        return v_err(env, -EACCES,
                     "tail_calls are not allowed when call stack of previous frames is %u bytes. Too large\n",
                     depth);
    depth += round_depth(env->subprogs[idx].stack_depth);
    if (depth > V_STACK)
        return v_err(env, -EACCES, "combined stack size of %u calls is %u. Too large\n",
                     frame + 1, depth);
continue_func:
    for (; i < env->subprogs[idx + 1].start; i++) {
        if (!is_pseudo_call(&insn[i]) && !is_pseudo_func(&insn[i]))
            continue;
        ret_insn[frame] = i + 1;
        ret_prog[frame] = idx;
        uint32_t next = (uint32_t)((int64_t)i + insn[i].imm + 1);
        idx = v_find_subprog(env, next);
        i = next;
        frame++;
        if (frame >= V_MAX_FRAMES)
            return v_err(env, -E2BIG, "the call stack of %u frames is too deep !\n", frame);
        goto process_func;
    }
    if (frame == 0)
        return 0;
    depth -= round_depth(env->subprogs[idx].stack_depth);
    frame--;
    i = ret_insn[frame];
    idx = ret_prog[frame];
    goto continue_func;
}
