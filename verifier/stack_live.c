/* verifier/stack_live.c - stack slot liveness for pruning: a saved state
 * (checkpoint) only needs to match the current state on the stack slots
 * some path below it read before writing them. The others were dead: any
 * content will do.
 *
 * Path by path, as the kernel's read/write marks did before 6.18's static
 * analysis: a read of a slot marks it READ in the checkpoints above the
 * current state, up to (and including) the first one whose own stretch of
 * path wrote all eight bytes (WRITTEN: the value read came from there).
 * A checkpoint whose exploration finished (the only ones pruning uses) has
 * its final marks; when a path is pruned, what the old state's paths read
 * is read by the current one too (v_propagate_stack_liveness). Bounded
 * loops are explored iteration by iteration and never prune against an
 * unfinished state, so the marks are complete there too. */
#include "verifier/verifier_int.h"

void v_mark_stack_read(struct venv *env, const struct vframe *f, uint32_t spi)
{
    uint32_t fr = f->frameno;
    if (spi >= V_SLOTS || fr > env->cur.curframe || env->cur.frame[fr] != f)
        return;
    if (f->stack[spi].live & V_LIVE_WRITTEN)
        return; /* written on this stretch: earlier values are dead */
    int32_t callsite = f->callsite;
    for (struct vsaved *p = env->cur.parent; p; p = p->st.parent) {
        /* the frame must be the same function instance's */
        if (fr > p->st.curframe || p->st.frame[fr]->callsite != callsite)
            return;
        struct vframe *pf = p->st.frame[fr];
        if (spi >= pf->allocated / 8)
            return;
        struct vslot *s = &pf->stack[spi];
        if (s->live & V_LIVE_READ)
            return; /* and so are the ones above: marked before */
        s->live |= V_LIVE_READ;
        if (s->live & V_LIVE_WRITTEN)
            return;
    }
}

void v_mark_stack_written(struct vframe *f, uint32_t spi)
{
    if (spi < V_SLOTS)
        f->stack[spi].live |= V_LIVE_WRITTEN;
}

void v_propagate_stack_liveness(struct venv *env, const struct vstate *old)
{
    for (uint32_t fr = 0; fr <= old->curframe && fr <= env->cur.curframe; fr++) {
        const struct vframe *of = old->frame[fr];
        const struct vframe *cf = env->cur.frame[fr];
        for (uint32_t i = 0; i < of->allocated / 8 && i < cf->allocated / 8; i++)
            if (of->stack[i].live & V_LIVE_READ)
                v_mark_stack_read(env, cf, i);
    }
}

void v_clear_stack_liveness(struct vstate *st)
{
    for (uint32_t fr = 0; fr <= st->curframe; fr++)
        for (uint32_t i = 0; i < V_SLOTS; i++)
            st->frame[fr]->stack[i].live = 0;
}

void v_mark_all_stack_read(struct vstate *st)
{
    for (uint32_t fr = 0; fr <= st->curframe; fr++)
        for (uint32_t i = 0; i < st->frame[fr]->allocated / 8; i++)
            st->frame[fr]->stack[i].live |= V_LIVE_READ;
}

void v_mark_chain_all_stack_read(struct venv *env)
{
    for (struct vsaved *p = env->cur.parent; p; p = p->st.parent)
        v_mark_all_stack_read(&p->st);
}
