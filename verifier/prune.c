/* verifier/prune.c - state pruning and loop detection (the kernel's
 * is_state_visited): at each prune point the current state is compared
 * with the states already saved there.
 *
 *  - A saved state whose exploration finished (no path below it still
 *    pending: branches == 0) and that contains the current one makes the
 *    current path safe: it is cut ("N: safe").
 *  - A saved state still being explored is an ancestor on a loop; if the
 *    current state equals it exactly, the loop cannot make progress:
 *    "infinite loop detected at insn N".
 *  - Otherwise the current state may be saved as a new checkpoint, with the
 *    kernel's heuristics (at least 2 jumps and 8 insns since the last one,
 *    fewer inside loops) and eviction of states that keep missing.
 *
 * Containment, as the kernel's regsafe/stacksafe: a scalar no path below
 * the saved state relied on (not precise, precision.c) matches any scalar;
 * precise ones are compared by range and tnum; registers dead at the insn
 * are ignored (liveness.c), and so are stack slots no path below read
 * (stack_live.c); other stack bytes are compared by type and spilled
 * registers like registers (a 64-bit spilled scalar against unknown data
 * as a register against an unbound scalar); ids must map one to one. On a
 * prune, what the saved state relied on (precise scalars, read slots) is
 * propagated into the current path's checkpoints. A checkpoint starts with
 * every scalar imprecise; its history of jumps and spills is what
 * backtracking walks (a checkpoint is forced once it holds 40 entries). */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>


/* ---------------------------------------------------------- id maps */

#define IDMAP_MAX 600

struct idmap {
    uint32_t old_id[IDMAP_MAX], cur_id[IDMAP_MAX];
    unsigned n;
    uint32_t tmp_gen;
};

/* check_ids: old and cur ids map one to one. */
static bool check_ids(struct idmap *m, uint32_t old_id, uint32_t cur_id)
{
    if (!old_id || !cur_id)
        return old_id == cur_id;
    for (unsigned i = 0; i < m->n; i++) {
        if (m->old_id[i] == old_id)
            return m->cur_id[i] == cur_id;
        if (m->cur_id[i] == cur_id)
            return false;
    }
    if (m->n == IDMAP_MAX)
        return false;
    m->old_id[m->n] = old_id;
    m->cur_id[m->n++] = cur_id;
    return true;
}

/* Scalar ids: 0 means "not linked", which matches any unlinked value. */
static bool check_scalar_ids(struct idmap *m, uint32_t old_id, uint32_t cur_id)
{
    old_id = old_id ? old_id : 0x40000000u + ++m->tmp_gen;
    cur_id = cur_id ? cur_id : 0x40000000u + ++m->tmp_gen;
    return check_ids(m, old_id, cur_id);
}

/* ------------------------------------------------------ comparisons */

static bool range_within(const struct vreg *o, const struct vreg *c)
{
    return o->umin <= c->umin && o->umax >= c->umax && o->smin <= c->smin &&
           o->smax >= c->smax && o->u32_min <= c->u32_min && o->u32_max >= c->u32_max &&
           o->s32_min <= c->s32_min && o->s32_max >= c->s32_max;
}

static bool bounds_equal(const struct vreg *o, const struct vreg *c)
{
    return o->umin == c->umin && o->umax == c->umax && o->smin == c->smin &&
           o->smax == c->smax && o->u32_min == c->u32_min && o->u32_max == c->u32_max &&
           o->s32_min == c->s32_min && o->s32_max == c->s32_max &&
           o->var_off.value == c->var_off.value && o->var_off.mask == c->var_off.mask;
}

/* Does every value cur may hold also satisfy what was proven for old?
 * exact: the states must be the same (loop detection). */
static bool regsafe(const struct venv *env, const struct vreg *o, const struct vreg *c,
                    struct idmap *m, bool exact)
{
    if (env->explore_alu_limits && o->type == SCALAR_VALUE && c->type == SCALAR_VALUE)
        exact = true;
    if (o->type == NOT_INIT)
        return !exact || c->type == NOT_INIT;
    if (c->type == NOT_INIT)
        return false;
    if (o->type != c->type)
        return false;
    /* an imprecise scalar of a finished state: no path below it relied
     * on its value, any scalar will do */
    if (o->type == SCALAR_VALUE && !o->precise && !exact)
        return true;
    bool num = exact ? bounds_equal(o, c) : range_within(o, c) && tnum_in(o->var_off, c->var_off);
    switch (base_type(o->type)) {
    case SCALAR_VALUE:
        if (!num)
            return false;
        if ((o->id & V_ADD_CONST) != (c->id & V_ADD_CONST))
            return false;
        if ((o->id & V_ADD_CONST) && o->off != c->off)
            return false;
        return check_scalar_ids(m, o->id & ~V_ADD_CONST, c->id & ~V_ADD_CONST);
    case PTR_TO_PACKET:
    case PTR_TO_PACKET_META:
        if (exact ? o->range != c->range : o->range > c->range)
            return false;
        if (o->range < 0 && o->range != c->range)
            return false;
        return o->off == c->off && num && check_ids(m, o->id, c->id);
    default:
        return o->off == c->off && o->map_idx == c->map_idx && o->mem_size == c->mem_size &&
               o->subprogno == c->subprogno && o->frameno == c->frameno &&
               (exact ? o->range == c->range : true) && num && check_ids(m, o->id, c->id) &&
               check_ids(m, o->ref_obj_id, c->ref_obj_id);
    }
}

static uint8_t slot_byte(const struct vframe *f, uint32_t i)
{
    return i / 8 < f->allocated / 8 ? f->stack[i / 8].type[i % 8] : STACK_INVALID;
}

/* All eight bytes hold unknown data (a load gives an unbound scalar). */
static bool slot_all_misc(const struct venv *env, const struct vframe *f, uint32_t spi)
{
    for (uint32_t j = 0; j < 8; j++) {
        uint8_t t = slot_byte(f, spi * 8 + j);
        if (t != STACK_MISC && !(t == STACK_INVALID && env->allow_uninit_stack))
            return false;
    }
    return true;
}

/* A 64-bit spilled scalar in old against unknown data in cur: as a
 * register, an imprecise one matches (the kernel's scalar_reg_for_stack). */
static bool spill64_vs_misc(const struct venv *env, const struct vframe *o,
                            const struct vframe *c, uint32_t spi, struct idmap *m)
{
    const struct vslot *os = &o->stack[spi];
    if (spi >= c->allocated / 8 || os->type[0] != STACK_SPILL ||
        os->spilled.type != SCALAR_VALUE || !slot_all_misc(env, c, spi))
        return false;
    struct vreg unbound;
    memset(&unbound, 0, sizeof(unbound));
    unbound.type = SCALAR_VALUE;
    unbound.var_off = tnum_unknown();
    v_mark_reg_unbounded(&unbound);
    return regsafe(env, &os->spilled, &unbound, m, false);
}

static bool stacksafe(const struct venv *env, const struct vframe *o, const struct vframe *c,
                      struct idmap *m, bool exact)
{
    uint32_t n = o->allocated > c->allocated ? o->allocated : c->allocated;
    uint64_t matched = 0; /* old slots dead, or spills matched as unknown data */
    for (uint32_t i = 0; i < n; i++) {
        uint8_t ot = slot_byte(o, i), ct = slot_byte(c, i);
        if (!exact && i % 8 == 0 && (i / 8 >= o->allocated / 8 || !(o->stack[i / 8].live & V_LIVE_READ))) {
            /* no path below old read this slot before writing it */
            matched |= 1ull << (i / 8);
            i += 7;
            continue;
        }
        if (!exact && ot == STACK_SPILL && ct != STACK_SPILL && i % 8 == 0 &&
            spill64_vs_misc(env, o, c, i / 8, m)) {
            matched |= 1ull << (i / 8);
            i += 7;
            continue;
        }
        if (exact) {
            if (ot != ct)
                return false;
            continue;
        }
        switch (ot) {
        case STACK_INVALID:
            /* without uninit reads, old never read this byte before a
             * write; with them it read unknown data: cur must hold data */
            if (env->allow_uninit_stack && ct == STACK_SPILL &&
                c->stack[i / 8].spilled.type != SCALAR_VALUE)
                return false;
            continue;
        case STACK_MISC:
            if (ct == STACK_MISC || ct == STACK_ZERO)
                continue;
            if (ct == STACK_INVALID && env->allow_uninit_stack)
                continue;
            if (ct == STACK_SPILL && c->stack[i / 8].spilled.type == SCALAR_VALUE)
                continue;
            return false;
        case STACK_ZERO:
            if (ct != STACK_ZERO)
                return false;
            continue;
        default: /* STACK_SPILL */
            if (ct != STACK_SPILL)
                return false;
            continue;
        }
    }
    /* spilled registers: the whole slot pattern and the register */
    for (uint32_t s = 0; s < o->allocated / 8; s++) {
        const struct vslot *os = &o->stack[s];
        if (os->type[7] != STACK_SPILL || (matched >> s) & 1)
            continue;
        if (s >= c->allocated / 8)
            return false;
        /* the bytes were compared one by one above (a spilled byte of old
         * needs one in cur; old MISC beside a narrow spill takes anything
         * readable): the registers are left, as the kernel's stacksafe */
        const struct vslot *cs = &c->stack[s];
        if (!regsafe(env, &os->spilled, &cs->spilled, m, exact))
            return false;
    }
    if (exact) {
        for (uint32_t s = 0; s < c->allocated / 8; s++)
            if (c->stack[s].type[7] == STACK_SPILL && s >= o->allocated / 8)
                return false;
    }
    return true;
}

static bool states_equal(const struct venv *env, const struct vstate *o, const struct vstate *c,
                         uint32_t insn_idx, bool exact)
{
    if (o->curframe != c->curframe)
        return false;
    if (o->speculative && !c->speculative)
        return false;
    for (uint32_t f = 0; f <= o->curframe; f++)
        if (o->frame[f]->callsite != c->frame[f]->callsite)
            return false;
    struct idmap *m = calloc(1, sizeof(*m));
    if (!m)
        return false;
    bool ok = o->n_refs == c->n_refs;
    for (uint32_t i = 0; ok && i < o->n_refs; i++)
        ok = check_ids(m, o->refs[i].id, c->refs[i].id);
    for (uint32_t f = 0; ok && f <= o->curframe; f++) {
        uint32_t at = f == o->curframe ? insn_idx : (uint32_t)o->frame[f + 1]->callsite;
        uint16_t live = env->aux[at].live_regs_before;
        for (uint32_t r = 0; ok && r < V_REG_FP; r++) {
            if (!(live & (1u << r)))
                continue;
            ok = regsafe(env, &o->frame[f]->regs[r], &c->frame[f]->regs[r], m, exact);
        }
        if (ok)
            ok = stacksafe(env, o->frame[f], c->frame[f], m, exact);
    }
    free(m);
    return ok;
}

/* ------------------------------------------------------ bookkeeping */

static void saved_free(struct venv *env, struct vsaved *s)
{
    if (s->unlinked) {
        if (s->gprev)
            s->gprev->gnext = s->gnext;
        else
            env->graveyard = s->gnext;
        if (s->gnext)
            s->gnext->gprev = s->gprev;
        env->graveyard_cnt--;
    }
    v_state_free(&s->st);
    free(s);
}

/* update_branch_counts: a path ended; its checkpoints with nothing left
 * to explore are complete (and may prune from now on). */
void v_update_branch_counts(struct venv *env, struct vstate *st)
{
    st->branches--;
    struct vsaved *p = st->parent;
    while (p) {
        uint32_t br = --p->st.branches;
        if (br)
            break;
        struct vsaved *up = p->st.parent;
        if (p->unlinked)
            saved_free(env, p);
        p = up;
    }
}

bool v_states_equal(const struct venv *env, const struct vstate *old, const struct vstate *cur,
                    uint32_t insn_idx, bool exact)
{
    return states_equal(env, old, cur, insn_idx, exact);
}

static bool is_force_checkpoint(const struct venv *env, uint32_t insn_idx)
{
    /* callbacks return to their helper's call: a checkpoint there is what
     * their iterations converge on (callbacks.c) */
    return env->aux[insn_idx].calls_callback;
}

/* 1: the current state is covered (prune), 0: continue, <0: error. */
int v_is_state_visited(struct venv *env, uint32_t insn_idx)
{
    struct vstate *cur = &env->cur;
    /* a long history makes backtracking slow: checkpoint (the kernel's
     * bound on jmp_history) */
    bool force_new = is_force_checkpoint(env, insn_idx) || cur->hist_cnt > 40;
    bool add_new = force_new;
    if (env->jmps_processed - env->prev_jmps_processed >= 2 &&
        env->insns_processed - env->prev_insns_processed >= 8)
        add_new = true;
    uint32_t states_cnt = 0;
    struct vsaved **pp = &env->explored[insn_idx];
    while (*pp) {
        struct vsaved *sl = *pp;
        states_cnt++;
        /* at a callback's call, an ancestor containing cur: the
         * callback's iterations converged (callbacks.c) */
        bool cb_hit = sl->st.branches && env->aux[insn_idx].calls_callback &&
                      v_callback_converged(env, &sl->st, cur, insn_idx);
        if (sl->st.branches && !cb_hit) {
            /* an ancestor of this path: a loop */
            if (!env->aux[insn_idx].calls_callback &&
                sl->st.callback_unroll_depth == cur->callback_unroll_depth &&
                states_equal(env, &sl->st, cur, insn_idx, true)) {
                v_err(env, -EINVAL, "infinite loop detected at insn %u\n", insn_idx);
                verbose(env, "cur state:");
                v_print_state(env, cur, cur->curframe, true);
                verbose(env, "old state:");
                v_print_state(env, &sl->st, cur->curframe, true);
                return -EINVAL;
            }
            if (!force_new && env->jmps_processed - env->prev_jmps_processed < 20 &&
                env->insns_processed - env->prev_insns_processed < 100)
                add_new = false;
        } else if (cb_hit || states_equal(env, &sl->st, cur, insn_idx, false)) {
            sl->hit_cnt++;
            /* the old state reached the exit relying on its precise
             * scalars: the current path relies on the same, its
             * checkpoints must keep them */
            int rc = 0;
            if (env->aux[insn_idx].jmp_point)
                rc = v_push_hist(env, 0, NULL, 0);
            if (!rc && cb_hit) {
                /* the old state is still being explored: what its paths
                 * rely on is not known yet (the kernel propagates it
                 * again when the loop is done); be conservative */
                v_mark_chain_all_precise(env);
                v_mark_chain_all_stack_read(env);
            } else if (!rc) {
                rc = v_propagate_precision(env, &sl->st);
                if (!rc)
                    v_propagate_stack_liveness(env, &sl->st);
            }
            return rc ? rc : 1;
        }
        if (add_new)
            sl->miss_cnt++;
        /* a loop's checkpoint at a forced point (a callback's call) is
         * what its iterations converge on: kept longer */
        uint32_t keep = is_force_checkpoint(env, insn_idx) && sl->st.branches ? 64 : 3;
        if (sl->miss_cnt > sl->hit_cnt * keep + keep) {
            /* unlikely to help: drop it from the list */
            *pp = sl->next;
            env->explored_cnt--;
            if (sl->st.branches == 0) {
                saved_free(env, sl);
            } else {
                sl->unlinked = true;
                sl->gnext = env->graveyard;
                if (sl->gnext)
                    sl->gnext->gprev = sl;
                env->graveyard = sl;
                env->graveyard_cnt++;
            }
            continue;
        }
        pp = &sl->next;
    }
    if (env->res->max_states_per_insn < states_cnt)
        env->res->max_states_per_insn = states_cnt;
    if (!env->bpf_capable && states_cnt > 64)
        return 0;
    if (!add_new)
        return 0;
    /* the checkpoint starts with no precision: its children mark what
     * they need (see precision.c) */
    if (env->bpf_capable)
        v_mark_all_scalars_imprecise(cur);
    struct vsaved *n = calloc(1, sizeof(*n));
    if (!n || v_state_copy(&n->st, cur)) {
        if (n)
            saved_free(env, n);
        return -ENOMEM;
    }
    env->total_states++;
    env->explored_cnt++;
    if (env->peak_states < env->explored_cnt + env->graveyard_cnt)
        env->peak_states = env->explored_cnt + env->graveyard_cnt;
    env->prev_jmps_processed = env->jmps_processed;
    env->prev_insns_processed = env->insns_processed;
    n->insn_idx = insn_idx;
    n->st.parent = cur->parent;
    cur->parent = n;
    cur->first_insn_idx = (int32_t)insn_idx;
    cur->hist_cnt = 0;
    /* writes from here on are the new stretch's */
    v_clear_stack_liveness(cur);
    env->cur_hist = -1;
    n->next = env->explored[insn_idx];
    env->explored[insn_idx] = n;
    return 0;
}

void v_free_explored(struct venv *env)
{
    while (env->graveyard)
        saved_free(env, env->graveyard);
    if (!env->explored)
        return;
    for (uint32_t i = 0; i < env->len; i++) {
        struct vsaved *s = env->explored[i];
        while (s) {
            struct vsaved *next = s->next;
            saved_free(env, s);
            s = next;
        }
    }
    free(env->explored);
    env->explored = NULL;
}
