/* verifier/callbacks.c - helpers that call back into the program
 * (bpf_loop, bpf_for_each_map_elem), verified as the kernel does: the
 * callback body is a subprogram frame entered from the helper's call insn
 * with the arguments the helper passes, and it may run any number of
 * times, so
 *
 *  - at the call, a state entering the callback is pushed on the branch
 *    stack and the current path goes on after the call (no more
 *    iterations);
 *  - the callback's exit returns to the call insn itself (not after it),
 *    which checks the call again: another iteration is pushed and the path
 *    goes on after the call with what the callback left behind;
 *  - the call insn is a forced checkpoint; a state there that an ancestor
 *    on the same path contains, comparing every scalar by range, means the
 *    iterations converged (prune.c asks v_callback_converged), and scalars
 *    nobody relied on that changed between two visits are widened to
 *    unknown so that they do (v_callback_widen);
 *  - bpf_loop stops after nr_loops' maximum iterations at most (R1 is
 *    relied on: precise).
 *
 * The callback's R0 must be a scalar in [0, 1]. */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The map types whose for_each callback the kernel runs
 * (map_set_for_each_callback_args in their ops). */
static bool map_has_for_each(uint32_t type)
{
    switch (type) {
    case BPF_MAP_TYPE_HASH: case BPF_MAP_TYPE_PERCPU_HASH: case BPF_MAP_TYPE_LRU_HASH:
    case BPF_MAP_TYPE_LRU_PERCPU_HASH: case BPF_MAP_TYPE_ARRAY: case BPF_MAP_TYPE_PERCPU_ARRAY:
        return true;
    default:
        return false;
    }
}

/* The callee's registers as the helper calls the callback (the kernel's
 * set_loop_callback_state, map_set_for_each_callback_args). */
static void set_callee_args(struct venv *env, int32_t func_id, const struct vframe *caller,
                            struct vframe *callee)
{
    struct vreg *r = callee->regs;
    if (func_id == BPF_FUNC_loop) {
        /* callback(u64 index, void *ctx) */
        v_mark_reg_unknown(env, &r[1]);
        r[2] = caller->regs[3];
        return;
    }
    /* callback(map, key, value, ctx) */
    r[1] = caller->regs[1];
    r[2].type = PTR_TO_MAP_KEY;
    v_mark_reg_known_zero(&r[2]);
    r[2].map_idx = caller->regs[1].map_idx;
    r[3].type = PTR_TO_MAP_VALUE;
    v_mark_reg_known_zero(&r[3]);
    r[3].map_idx = caller->regs[1].map_idx;
    r[3].id = ++env->id_gen; /* the kernel gives the value an id (its log shows it) */
    r[4] = caller->regs[3];
}

int v_callback_call(struct venv *env, int32_t func_id, int32_t map_idx)
{
    struct vframe *caller = v_cur_frame(env);
    struct vreg *regs = caller->regs;
    int rc;
    if (func_id == BPF_FUNC_for_each_map_elem) {
        const struct verifier_map *m = map_idx >= 0 ? v_map(env, (uint32_t)map_idx) : NULL;
        if (!m || !map_has_for_each(m->type))
            return v_err(env, -524 /* ENOTSUPP */, "callback function not allowed for map\n");
    } else if (func_id == BPF_FUNC_loop) {
        /* the kernel inlines bpf_loop when its flags are known 0, and so
         * relies on them (update_loop_inline_state) */
        if (regs[4].type == SCALAR_VALUE && tnum_equals_const(regs[4].var_off, 0) &&
            (rc = v_mark_chain_precision(env, 4)))
            return rc;
        /* whether iterations are left depends on nr_loops: keep it exact
         * (nr_loops is ARG_ANYTHING: a pointer gets there, and the
         * kernel's precision tracking calls that its own bug) */
        if (regs[1].type != SCALAR_VALUE)
            return v_err(env, -EFAULT, "verifier bug: backtracking misuse\n");
        if ((rc = v_mark_chain_precision(env, 1)))
            return rc;
        if (caller->callback_depth >= regs[1].umax) {
            caller->callback_depth = 0;
            if (env->log.level & 2)
                verbose(env, "frame%u bpf_loop iteration limit reached\n", env->cur.curframe);
            return 0;
        }
    } else {
        return 0;
    }
    if (regs[2].type != PTR_TO_FUNC)
        return v_err(env, -EFAULT, "callback argument is not a function\n");
    uint32_t subprog = (uint32_t)regs[2].subprogno;
    struct vstate *cb;
    if ((rc = v_push_stack(env, env->subprogs[subprog].start, (int32_t)env->insn_idx, false, &cb)))
        return rc;
    /* setup_func_entry on the pushed copy */
    if (cb->curframe + 1 >= V_MAX_FRAMES)
        return v_err(env, -E2BIG, "the call stack of %u frames is too deep\n", cb->curframe + 2);
    struct vframe *callee = cb->frame[cb->curframe + 1];
    if (!callee && !(callee = cb->frame[cb->curframe + 1] = v_frame_new()))
        return -ENOMEM;
    v_init_frame(env, callee, (int32_t)env->insn_idx, cb->curframe + 1, subprog);
    v_mark_all_scratched(env); /* as a call's new frame does (the log's next state) */
    set_callee_args(env, func_id, cb->frame[cb->curframe], callee);
    callee->in_callback_fn = true;
    cb->callback_unroll_depth++;
    cb->frame[cb->curframe]->callback_depth++;
    cb->curframe++;
    caller->callback_depth = 0;
    return 0;
}

int v_callback_check_ret(struct venv *env, const struct vframe *callee)
{
    const struct vreg *r0 = &callee->regs[0];
    if (r0->type != SCALAR_VALUE)
        return v_err(env, -EACCES, "R0 not a scalar value\n");
    /* the range check relies on R0's value */
    int rc = v_mark_chain_precision(env, 0);
    if (rc)
        return rc;
    if (r0->smin >= 0 && r0->smax <= 1)
        return 0;
    char what[96];
    v_r0_bounds_str(r0, what, sizeof what);
    return v_err(env, -EINVAL, "At callback return the register R0 has%s should have been in [0, 1]\n",
                 what);
}

static bool same_callsites(const struct vstate *a, const struct vstate *b)
{
    if (a->curframe != b->curframe)
        return false;
    for (uint32_t f = 0; f <= a->curframe; f++)
        if (a->frame[f]->callsite != b->frame[f]->callsite)
            return false;
    return true;
}

static bool regs_exact(const struct vreg *a, const struct vreg *b)
{
    return a->type == b->type && a->off == b->off && a->id == b->id &&
           a->var_off.value == b->var_off.value && a->var_off.mask == b->var_off.mask &&
           a->smin == b->smin && a->smax == b->smax && a->umin == b->umin && a->umax == b->umax &&
           a->s32_min == b->s32_min && a->s32_max == b->s32_max && a->u32_min == b->u32_min &&
           a->u32_max == b->u32_max;
}

/* maybe_widen_reg: a scalar no path relied on that changed becomes unknown. */
static void maybe_widen(struct venv *env, const struct vreg *o, struct vreg *c)
{
    if (o->type != SCALAR_VALUE || c->type != SCALAR_VALUE)
        return;
    if (o->precise || c->precise || regs_exact(o, c))
        return;
    v_mark_reg_unknown(env, c);
}

int v_callback_widen(struct venv *env, uint32_t callsite)
{
    struct vstate *cur = &env->cur;
    /* find_prev_entry: the most recent checkpoint at the call on this path
     * (saved states are kept newest first) */
    const struct vsaved *prev = NULL;
    for (const struct vsaved *s = env->explored ? env->explored[callsite] : NULL; s; s = s->next)
        if (s->st.branches && same_callsites(&s->st, cur)) {
            prev = s;
            break;
        }
    if (!prev)
        return 0;
    for (uint32_t f = 0; f <= cur->curframe; f++) {
        const struct vframe *o = prev->st.frame[f];
        struct vframe *c = cur->frame[f];
        for (int i = 0; i < V_MAX_REG; i++)
            maybe_widen(env, &o->regs[i], &c->regs[i]);
        uint32_t n = (o->allocated < c->allocated ? o->allocated : c->allocated) / 8;
        for (uint32_t s = 0; s < n; s++)
            if (o->stack[s].type[7] == STACK_SPILL && c->stack[s].type[7] == STACK_SPILL)
                maybe_widen(env, &o->stack[s].spilled, &c->stack[s].spilled);
    }
    return 0;
}

static void mark_scalars_precise(struct vstate *st)
{
    for (uint32_t f = 0; f <= st->curframe; f++) {
        struct vframe *fr = st->frame[f];
        for (int i = 0; i < V_MAX_REG; i++)
            if (fr->regs[i].type == SCALAR_VALUE)
                fr->regs[i].precise = true;
        for (uint32_t s = 0; s < fr->allocated / 8; s++)
            if (fr->stack[s].type[7] == STACK_SPILL && fr->stack[s].spilled.type == SCALAR_VALUE)
                fr->stack[s].spilled.precise = true;
    }
    /* nor are its stack read marks (stack_live.c): every slot counts */
    v_mark_all_stack_read(st);
}

bool v_callback_converged(struct venv *env, const struct vstate *old, const struct vstate *cur,
                          uint32_t insn_idx)
{
    /* the old state is still being explored: its precision marks are not
     * final, so every scalar counts (compared as a precise one) */
    struct vstate copy;
    memset(&copy, 0, sizeof(copy));
    bool eq = false;
    if (v_state_copy(&copy, old) == 0) {
        mark_scalars_precise(&copy);
        eq = v_states_equal(env, &copy, cur, insn_idx, false);
    }
    v_state_free(&copy);
    return eq;
}
