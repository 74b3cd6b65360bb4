/* verifier/exec.c - the path walk (the kernel's do_check): one current
 * state, a stack of pending branch states (popped at each exit), every
 * instruction checked and applied to the abstract state: register reads
 * and writes, ld_imm64, legacy packet loads, loads and stores (mem.c),
 * calls (calls.c), ALU (alu.c), jumps (jmp.c), exit (R0 and the program
 * type's return range, references, or the return to the caller). */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* check_reg_arg: a source must be initialised, r10 is never a
 * destination, a plain destination becomes an unknown scalar. */
int v_check_reg_arg(struct venv *env, uint32_t regno, bool src)
{
    if (regno >= V_MAX_REG)
        return v_err(env, -EINVAL, "R%u is invalid\n", regno);
    v_mark_reg_scratched(env, regno);
    struct vreg *r = &v_cur_regs(env)[regno];
    if (src) {
        if (r->type == NOT_INIT)
            return v_err(env, -EACCES, "R%u !read_ok\n", regno);
        return 0;
    }
    if (regno == V_REG_FP)
        return v_err(env, -EACCES, "frame pointer is read only\n");
    return 0;
}

/* DST_OP: the destination becomes unknown. */
int v_check_reg_dst(struct venv *env, uint32_t regno)
{
    int rc = v_check_reg_arg(env, regno, false);
    if (!rc)
        v_mark_reg_unknown(env, &v_cur_regs(env)[regno]);
    return rc;
}

/* ------------------------------------------------------ branch stack */

int v_push_stack(struct venv *env, uint32_t insn_idx, int32_t prev_insn_idx, bool speculative,
                 struct vstate **out)
{
    if (env->stack_len == env->stack_cap) {
        uint32_t cap = env->stack_cap ? env->stack_cap * 2 : 16;
        struct vpending *ns = realloc(env->stack, cap * sizeof(*ns));
        if (!ns)
            return -ENOMEM;
        memset(ns + env->stack_cap, 0, (cap - env->stack_cap) * sizeof(*ns));
        env->stack = ns;
        env->stack_cap = cap;
    }
    struct vpending *p = &env->stack[env->stack_len];
    int rc = v_state_copy(&p->st, &env->cur);
    if (rc)
        return rc;
    p->st.speculative |= speculative;
    if (p->st.parent)
        p->st.parent->st.branches++;
    p->insn_idx = insn_idx;
    p->prev_insn_idx = prev_insn_idx;
    p->log_pos = env->log.len;
    env->stack_len++;
    if (env->stack_len > VERIFIER_JMP_SEQ_LIMIT)
        return v_err(env, -EFAULT, "The sequence of %u jumps is too complex.\n", env->stack_len);
    *out = &p->st;
    return 0;
}

/* pop_stack: the next pending branch becomes the current state. 1 when
 * none is left. */
static int pop_stack(struct venv *env)
{
    if (env->stack_len == 0)
        return 1;
    struct vpending *p = &env->stack[--env->stack_len];
    int rc = v_state_copy(&env->cur, &p->st);
    if (rc)
        return rc;
    env->insn_idx = p->insn_idx;
    env->prev_insn_idx = p->prev_insn_idx;
    if (env->log.level && !(env->log.level & 2))
        vlog_reset(&env->log, p->log_pos);
    return 0;
}

bool v_is_pointer_value(const struct venv *env, const struct vreg *r)
{
    return !env->allow_ptr_leaks && r->type != SCALAR_VALUE;
}

/* ------------------------------------------------------------- exit */

/* The R0 range a program type must return (check_return_code); false
 * when any initialised value will do. */
static bool return_range(const struct venv *env, int32_t *lo, int32_t *hi)
{
    uint32_t at = env->opts->expected_attach_type;
    *lo = 0;
    *hi = 1;
    switch (env->opts->prog_type) {
    case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
        if (at == BPF_CGROUP_UDP4_RECVMSG || at == BPF_CGROUP_UDP6_RECVMSG ||
            at == 46 /* BPF_CGROUP_UNIX_RECVMSG */ || at == BPF_CGROUP_INET4_GETPEERNAME ||
            at == BPF_CGROUP_INET6_GETPEERNAME || at == 44 /* BPF_CGROUP_UNIX_GETPEERNAME */ ||
            at == BPF_CGROUP_INET4_GETSOCKNAME || at == BPF_CGROUP_INET6_GETSOCKNAME ||
            at == 45 /* BPF_CGROUP_UNIX_GETSOCKNAME */)
            *lo = 1;
        if (at == BPF_CGROUP_INET4_BIND || at == BPF_CGROUP_INET6_BIND)
            *hi = 3;
        return true;
    case BPF_PROG_TYPE_CGROUP_SKB:
        if (at == BPF_CGROUP_INET_EGRESS)
            *hi = 3;
        return true;
    case BPF_PROG_TYPE_CGROUP_SOCK:
    case BPF_PROG_TYPE_SOCK_OPS:
    case BPF_PROG_TYPE_CGROUP_DEVICE:
    case BPF_PROG_TYPE_CGROUP_SYSCTL:
    case BPF_PROG_TYPE_CGROUP_SOCKOPT:
    case BPF_PROG_TYPE_SK_LOOKUP:
        return true;
    default:
        /* TODO: tracing, LSM, struct_ops, netfilter need attach targets */
        return false;
    }
}

static int check_return_code(struct venv *env)
{
    struct vreg *r0 = &v_cur_regs(env)[0];
    int rc = v_check_reg_arg(env, 0, true);
    if (rc)
        return rc;
    if (v_is_pointer_value(env, r0))
        return v_err(env, -EACCES, "R0 leaks addr as return value\n");
    int32_t lo, hi;
    if (!return_range(env, &lo, &hi))
        return 0;
    if (r0->type != SCALAR_VALUE)
        return v_err(env, -EINVAL, "At program exit the register R0 is not a known value (%s)\n",
                     v_type_str(r0->type));
    /* the range check relies on R0's value */
    if ((rc = v_mark_chain_precision(env, 0)))
        return rc;
    if (r0->smin < lo || r0->smax > hi) {
        char what[96];
        v_r0_bounds_str(r0, what, sizeof what);
        return v_err(env, -EINVAL,
                     "At program exit the register R0 has%s should have been in [%d, %d]\n", what,
                     lo, hi);
    }
    return 0;
}

static int check_exit(struct venv *env, const struct bpf_insn *insn, bool *path_done)
{
    if (BPF_SRC(insn->code) != BPF_K || insn->imm != 0 || insn->src_reg != 0 ||
        insn->dst_reg != 0 || BPF_CLASS(insn->code) == BPF_JMP32)
        return v_err(env, -EINVAL, "BPF_EXIT uses reserved fields\n");
    if (env->cur.curframe) {
        /* return from a bpf2bpf call */
        uint32_t idx;
        int rc = v_prepare_func_exit(env, &idx);
        if (rc)
            return rc;
        env->insn_idx = idx;
        *path_done = false;
        return 0;
    }
    if (env->cur.n_refs) {
        for (uint32_t i = 0; i < env->cur.n_refs; i++)
            v_err(env, -EINVAL, "Unreleased reference id=%u alloc_insn=%d\n",
                  env->cur.refs[i].id, env->cur.refs[i].insn_idx);
        verbose(env, "BPF_EXIT instruction in main prog would lead to reference leak\n");
        return -EINVAL;
    }
    int rc = check_return_code(env);
    if (rc)
        return rc;
    *path_done = true;
    return 0;
}

/* ------------------------------------------------------------ do_check */

static int check_ld_imm(struct venv *env, const struct bpf_insn *insn)
{
    if (BPF_SIZE(insn->code) != BPF_DW)
        return v_err(env, -EINVAL, "invalid BPF_LD_IMM insn\n");
    if (insn->off != 0)
        return v_err(env, -EINVAL, "BPF_LD_IMM64 uses reserved fields\n");
    int rc = v_check_reg_dst(env, insn->dst_reg);
    if (rc)
        return rc;
    struct vreg *d = &v_cur_regs(env)[insn->dst_reg];
    uint64_t imm = (uint64_t)(uint32_t)insn[0].imm | (uint64_t)(uint32_t)insn[1].imm << 32;
    switch (insn->src_reg) {
    case 0:
        d->type = SCALAR_VALUE;
        v_mark_reg_known(d, imm);
        return 0;
    case BPF_PSEUDO_FUNC:
        d->type = PTR_TO_FUNC;
        v_mark_reg_known_zero(d);
        d->subprogno = (int32_t)v_find_subprog(env, (uint32_t)((int64_t)env->insn_idx + insn->imm + 1));
        return 0;
    case BPF_PSEUDO_MAP_VALUE:
    case BPF_PSEUDO_MAP_IDX_VALUE:
        d->type = PTR_TO_MAP_VALUE;
        v_mark_reg_known_zero(d);
        d->map_idx = (uint32_t)insn->imm;
        d->off = insn[1].imm;
        return 0;
    default:
        d->type = CONST_PTR_TO_MAP;
        v_mark_reg_known_zero(d);
        d->map_idx = (uint32_t)insn->imm;
        return 0;
    }
}

static bool may_access_skb(uint32_t t)
{
    switch (t) {
    case BPF_PROG_TYPE_SOCKET_FILTER:
    case BPF_PROG_TYPE_SCHED_CLS:
    case BPF_PROG_TYPE_SCHED_ACT:
        return true;
    default:
        return false;
    }
}

static int check_ld_abs(struct venv *env, const struct bpf_insn *insn)
{
    uint8_t mode = BPF_MODE(insn->code);
    if (!may_access_skb(env->opts->prog_type))
        return v_err(env, -EINVAL,
                     "BPF_LD_[ABS|IND] instructions not allowed for this program type\n");
    if (insn->dst_reg != 0 || insn->off != 0 || BPF_SIZE(insn->code) == BPF_DW ||
        (mode == BPF_ABS && insn->src_reg != 0))
        return v_err(env, -EINVAL, "BPF_LD_[ABS|IND] uses reserved fields\n");
    int rc = v_check_reg_arg(env, 6, true);
    if (rc)
        return rc;
    if (env->cur.n_refs)
        return v_err(env, -EINVAL,
                     "BPF_LD_[ABS|IND] cannot be mixed with socket references\n");
    if (v_cur_regs(env)[6].type != PTR_TO_CTX)
        return v_err(env, -EINVAL, "at the time of BPF_LD_ABS|IND R6 != pointer to skb\n");
    if (mode == BPF_IND && (rc = v_check_reg_arg(env, insn->src_reg, true)))
        return rc;
    if ((rc = v_check_ptr_off_reg(env, &v_cur_regs(env)[6], 6))) /* r6 the ctx itself */
        return rc;
    struct vreg *regs = v_cur_regs(env);
    for (int i = 0; i <= 5; i++) {
        v_mark_reg_not_init(&regs[i]);
        v_mark_reg_scratched(env, (uint32_t)i);
    }
    v_mark_reg_unknown(env, &regs[0]);
    return 0;
}

static int check_load_store(struct venv *env, const struct bpf_insn *insn)
{
    uint8_t cls = BPF_CLASS(insn->code);
    int rc;
    if (cls == BPF_LDX) {
        if ((rc = v_check_reg_arg(env, insn->src_reg, true)))
            return rc;
        if ((rc = v_check_reg_arg(env, insn->dst_reg, false)))
            return rc;
        return v_check_mem_access(env, env->insn_idx, insn->src_reg, insn->off,
                                  BPF_SIZE(insn->code), V_READ, insn->dst_reg, false,
                                  BPF_MODE(insn->code) == BPF_MEMSX);
    }
    if (cls == BPF_STX) {
        if (BPF_MODE(insn->code) == BPF_ATOMIC)
            return v_check_atomic(env, insn);
        if (BPF_MODE(insn->code) != BPF_MEM || insn->imm != 0)
            return v_err(env, -EINVAL, "BPF_STX uses reserved fields\n");
        if ((rc = v_check_reg_arg(env, insn->src_reg, true)))
            return rc;
        if ((rc = v_check_reg_arg(env, insn->dst_reg, true)))
            return rc;
        return v_check_mem_access(env, env->insn_idx, insn->dst_reg, insn->off,
                                  BPF_SIZE(insn->code), V_WRITE, insn->src_reg, false, false);
    }
    /* BPF_ST */
    if (BPF_MODE(insn->code) != BPF_MEM || insn->src_reg != 0)
        return v_err(env, -EINVAL, "BPF_ST uses reserved fields\n");
    if ((rc = v_check_reg_arg(env, insn->dst_reg, true)))
        return rc;
    return v_check_mem_access(env, env->insn_idx, insn->dst_reg, insn->off, BPF_SIZE(insn->code),
                              V_WRITE, -1, false, false);
}

/* One instruction. *next: where the path continues; *done: path ended. */
static int do_check_insn(struct venv *env, bool *done)
{
    const struct bpf_insn *insn = &env->insns[env->insn_idx];
    uint8_t cls = BPF_CLASS(insn->code);
    int rc;
    *done = false;
    switch (cls) {
    case BPF_ALU:
    case BPF_ALU64:
        if ((rc = v_check_alu_op(env, insn)))
            return rc;
        break;
    case BPF_LDX:
    case BPF_STX:
    case BPF_ST:
        if ((rc = check_load_store(env, insn)))
            return rc;
        break;
    case BPF_JMP:
    case BPF_JMP32: {
        uint8_t op = BPF_OP(insn->code);
        env->jmps_processed++;
        if (op == BPF_CALL) {
            if (BPF_SRC(insn->code) != BPF_K ||
                (insn->src_reg != BPF_PSEUDO_KFUNC_CALL && insn->off != 0) ||
                (insn->src_reg != 0 && insn->src_reg != BPF_PSEUDO_CALL &&
                 insn->src_reg != BPF_PSEUDO_KFUNC_CALL) ||
                insn->dst_reg != 0 || cls == BPF_JMP32)
                return v_err(env, -EINVAL, "BPF_CALL uses reserved fields\n");
            if (insn->src_reg == BPF_PSEUDO_CALL) {
                uint32_t idx = env->insn_idx;
                if ((rc = v_check_func_call(env, insn, &idx)))
                    return rc;
                env->insn_idx = idx;
                v_mark_reg_scratched(env, 0);
                return 0;
            }
            if ((rc = v_check_helper_call(env, insn)))
                return rc;
            v_mark_reg_scratched(env, 0);
            break;
        }
        if (op == BPF_JA) {
            if (BPF_SRC(insn->code) != BPF_K || insn->src_reg != 0 || insn->dst_reg != 0 ||
                (cls == BPF_JMP && insn->imm != 0) || (cls == BPF_JMP32 && insn->off != 0))
                return v_err(env, -EINVAL, "BPF_JA uses reserved fields\n");
            int64_t off = cls == BPF_JMP ? insn->off : insn->imm;
            env->insn_idx = (uint32_t)((int64_t)env->insn_idx + off + 1);
            return 0;
        }
        if (op == BPF_EXIT) {
            bool path_done = false;
            if ((rc = check_exit(env, insn, &path_done)))
                return rc;
            *done = path_done;
            return 0;
        }
        if ((rc = v_check_cond_jmp(env, insn)))
            return rc;
        break;
    }
    case BPF_LD: {
        uint8_t mode = BPF_MODE(insn->code);
        if (mode == BPF_ABS || mode == BPF_IND) {
            if ((rc = check_ld_abs(env, insn)))
                return rc;
        } else if (mode == BPF_IMM) {
            if ((rc = check_ld_imm(env, insn)))
                return rc;
            env->insn_idx++;
        } else {
            return v_err(env, -EINVAL, "invalid BPF_LD mode\n");
        }
        break;
    }
    default:
        return v_err(env, -EINVAL, "unknown insn class %d\n", cls);
    }
    env->insn_idx++;
    return 0;
}

int v_do_check(struct venv *env)
{
    bool do_print_state = false;
    bool level2 = env->log.level & 2;
    env->prev_insn_idx = -1;
    for (;;) {
        if (env->insn_idx >= env->len)
            return v_err(env, -EFAULT, "invalid insn idx %u insn_cnt %u\n", env->insn_idx,
                         env->len);
        if (++env->insns_processed > env->insn_limit)
            return v_err(env, -E2BIG, "BPF program is too large. Processed %u insn\n",
                         env->insns_processed);
        bool done = false;
        /* where this state is, for precision backtracking (precision.c) */
        env->cur_hist = -1;
        env->cur.last_insn_idx = env->prev_insn_idx;
        env->cur.insn_idx = env->insn_idx;
        if (env->aux[env->insn_idx].prune_point) {
            int pr = v_is_state_visited(env, env->insn_idx);
            if (pr < 0)
                return pr;
            if (pr == 1) {
                if (env->log.level) {
                    if (do_print_state)
                        verbose(env, "\nfrom %d to %u%s: safe\n", env->prev_insn_idx,
                                env->insn_idx,
                                env->cur.speculative ? " (speculative execution)" : "");
                    else
                        verbose(env, "%u: safe\n", env->insn_idx);
                }
                done = true;
                goto path_end;
            }
        }
        if (env->aux[env->insn_idx].jmp_point) {
            /* reached by a jump: backtracking needs where from */
            int hr = v_push_hist(env, 0, NULL, 0);
            if (hr)
                return hr;
        }
        if (level2 && do_print_state) {
            verbose(env, "\nfrom %d to %u%s:", env->prev_insn_idx, env->insn_idx,
                    env->cur.speculative ? " (speculative execution)" : "");
            v_print_state(env, &env->cur, env->cur.curframe, true);
            do_print_state = false;
        }
        if (env->log.level) {
            if (v_state_scratched(env))
                v_print_insn_state(env, &env->cur, env->cur.curframe);
            env->prev_log_pos = env->log.len;
            verbose(env, "%u: ", env->insn_idx);
            v_print_insn(env, env->insn_idx);
            env->prev_insn_print_pos = env->log.len - env->prev_log_pos;
            env->prev_log_pos = env->log.len;
        }
        env->aux[env->insn_idx].seen = true;
        int32_t this_idx = (int32_t)env->insn_idx;
        uint32_t frame_before = env->cur.curframe;
        int rc = 0;
        if (env->cur.speculative && env->aux[this_idx].nospec)
            done = true; /* a speculation barrier stops this path */
        else
            rc = do_check_insn(env, &done);
        if (rc < 0 && env->cur.speculative &&
            (rc == -EPERM || rc == -EACCES || rc == -EINVAL)) {
            /* an unsafe insn on a mispredicted path: the kernel puts a
             * barrier before it instead of rejecting the program */
            env->aux[this_idx].nospec = true;
            env->res->error[0] = '\0';
            env->error_pc = -1;
            rc = 0;
            done = true;
        }
        if (rc < 0)
            return rc;
        env->prev_insn_idx = this_idx;
        /* after a return from a subprogram or callback the kernel prints
         * the state it continues with ("from X to Y", level 2), and a
         * prune there says "from X to Y: safe" */
        if (!done && env->cur.curframe < frame_before)
            do_print_state = true;
        if (!done)
            continue;
    path_end:
        v_mark_all_scratched(env);
        v_update_branch_counts(env, &env->cur);
        rc = pop_stack(env);
        if (rc < 0)
            return rc;
        if (rc == 1)
            break;
        do_print_state = true;
    }
    return 0;
}
