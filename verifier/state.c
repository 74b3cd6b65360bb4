/* verifier/state.c - register and stack-slot state: initial states, the
 * kernel's mark_reg_* helpers, copies of a path's state for the branch
 * stack, and pointer-type predicates. */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct vframe *v_frame_new(void)
{
    return calloc(1, sizeof(struct vframe));
}

int v_state_copy(struct vstate *dst, const struct vstate *src)
{
    for (uint32_t i = 0; i < V_MAX_FRAMES; i++) {
        if (i <= src->curframe) {
            if (!dst->frame[i] && !(dst->frame[i] = v_frame_new()))
                return -ENOMEM;
            memcpy(dst->frame[i], src->frame[i], sizeof(struct vframe));
        } else if (dst->frame[i]) {
            free(dst->frame[i]);
            dst->frame[i] = NULL;
        }
    }
    dst->curframe = src->curframe;
    memcpy(dst->refs, src->refs, sizeof(src->refs[0]) * src->n_refs);
    dst->n_refs = src->n_refs;
    dst->speculative = src->speculative;
    dst->callback_unroll_depth = src->callback_unroll_depth;
    dst->parent = src->parent;
    dst->branches = src->branches;
    dst->first_insn_idx = src->first_insn_idx;
    dst->last_insn_idx = src->last_insn_idx;
    dst->insn_idx = src->insn_idx;
    if (src->hist_cnt > dst->hist_cap) {
        struct vhist *h = realloc(dst->hist, src->hist_cnt * sizeof(*h));
        if (!h)
            return -ENOMEM;
        dst->hist = h;
        dst->hist_cap = src->hist_cnt;
    }
    if (src->hist_cnt)
        memcpy(dst->hist, src->hist, src->hist_cnt * sizeof(*dst->hist));
    dst->hist_cnt = src->hist_cnt;
    return 0;
}

void v_state_free(struct vstate *st)
{
    for (uint32_t i = 0; i < V_MAX_FRAMES; i++) {
        free(st->frame[i]);
        st->frame[i] = NULL;
    }
    free(st->hist);
    st->hist = NULL;
    st->hist_cnt = st->hist_cap = 0;
}

void v_mark_reg_not_init(struct vreg *r)
{
    memset(r, 0, sizeof(*r));
    r->type = NOT_INIT;
    r->var_off = tnum_unknown();
    v_mark_reg_unbounded(r);
}

/* __mark_reg_unknown: a scalar with nothing known. Unprivileged loads do
 * not track precision: every scalar is precise there. */
void v_mark_reg_unknown(struct venv *env, struct vreg *r)
{
    memset(r, 0, sizeof(*r));
    r->type = SCALAR_VALUE;
    r->var_off = tnum_unknown();
    v_mark_reg_unbounded(r);
    r->precise = !env->bpf_capable;
}

/* __mark_reg_known_zero on a pointer: fixed offset 0, no variable part. */
void v_mark_reg_known_zero(struct vreg *r)
{
    uint32_t type = r->type;
    memset(r, 0, sizeof(*r));
    r->type = type;
    v_mark_reg_known(r, 0);
}

void v_mark_reg_const_zero(struct venv *env, struct vreg *r)
{
    v_mark_reg_unknown(env, r);
    v_mark_reg_known(r, 0);
}

void v_init_frame(struct venv *env, struct vframe *f, int32_t callsite, uint32_t frameno,
                  uint32_t subprogno)
{
    memset(f, 0, sizeof(*f));
    for (int i = 0; i < V_MAX_REG; i++)
        v_mark_reg_not_init(&f->regs[i]);
    struct vreg *fp = &f->regs[V_REG_FP];
    fp->type = PTR_TO_STACK;
    v_mark_reg_known_zero(fp);
    fp->frameno = frameno;
    f->callsite = callsite;
    f->frameno = frameno;
    f->subprogno = subprogno;
    (void)env;
}

bool v_reg_is_pkt_pointer(const struct vreg *r)
{
    return r->type == PTR_TO_PACKET;
}

bool v_reg_is_pkt_pointer_any(const struct vreg *r)
{
    return r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META ||
           r->type == PTR_TO_PACKET_END;
}

/* __is_pointer_value(false, reg): anything but a scalar (NOT_INIT is
 * checked before). */
bool v_is_pointer(const struct vreg *r)
{
    return r->type != SCALAR_VALUE;
}

/* grow_stack_state: track `size` bytes of this frame's stack. */
int v_grow_stack(struct venv *env, struct vframe *f, int size)
{
    uint32_t n = (uint32_t)((size + 7) / 8 * 8);
    if (n > V_STACK)
        n = V_STACK;
    if (f->allocated < n)
        f->allocated = n;
    struct vsubprog *sp = &env->subprogs[f->subprogno];
    if (sp->stack_depth < n)
        sp->stack_depth = n;
    return 0;
}
