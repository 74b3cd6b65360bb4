/* verifier/precision.c - precision tracking (the kernel's
 * mark_chain_precision and backtracking, in our words).
 *
 * A scalar is "precise" in a checkpoint when some path below it used its
 * value for safety: a pointer offset, a memory or helper size, a constant
 * argument, a decided branch, a return value range. Pruning (prune.c)
 * compares only precise scalars of a saved state by range; an imprecise
 * one matches any scalar, which is what lets the kernel cut most paths.
 *
 * When an insn relies on a scalar, the scalar is marked: the walk goes
 * backwards over the current state's insns (sequential ones, plus the
 * history of jumps, calls, returns and stack spills/fills each state
 * records), turning "rX needs precision after insn i" into what it needed
 * before i (rX = rY: rY; rX += rY: both; rX = K: nothing; rX = *(fp-8):
 * the spilled slot; ...), then marks what is left in the parent checkpoint
 * and continues in it, up the chain, until nothing is left. Whatever the
 * walk cannot follow makes every scalar of every parent precise: always
 * sound, only slower.
 *
 * The current state itself is never marked (as in the kernel): it is
 * either pruned (and what the old state needed is propagated into its
 * parents, v_propagate_precision) or becomes a checkpoint with fresh,
 * imprecise scalars that its children will mark as they need.
 * Unprivileged loads do not track precision: every scalar is precise
 * from the start (v_mark_reg_unknown).
 *
 * Level 2 prints the kernel's "mark_precise: frame0: ..." lines. */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BT_UNSUPPORTED 524 /* the kernel's ENOTSUPP: fall back to all precise */
#define REGMASK_ARGS 0x3eu /* r1..r5 */

/* What still needs precision while walking backwards, per frame. */
struct bt {
    uint32_t frame;
    uint32_t regs[V_MAX_FRAMES];
    uint64_t slots[V_MAX_FRAMES];
};

static bool bt_empty(const struct bt *bt)
{
    for (uint32_t i = 0; i <= bt->frame && i < V_MAX_FRAMES; i++)
        if (bt->regs[i] || bt->slots[i])
            return false;
    return true;
}

static bool bt_reg(const struct bt *bt, uint32_t r)
{
    return bt->regs[bt->frame] & (1u << r);
}

static void bt_set(struct bt *bt, uint32_t r)
{
    bt->regs[bt->frame] |= 1u << r;
}

static void bt_clear(struct bt *bt, uint32_t r)
{
    bt->regs[bt->frame] &= ~(1u << r);
}

/* ------------------------------------------------------------ history */

int v_push_hist(struct venv *env, uint16_t flags, const struct vlinked_ent *linked,
                unsigned n_linked)
{
    struct vstate *st = &env->cur;
    struct vhist *h;
    if (env->cur_hist >= 0 && (uint32_t)env->cur_hist < st->hist_cnt &&
        st->hist[env->cur_hist].idx == env->insn_idx) {
        /* one entry per executed insn: a spill at a jump target, or the
         * read and the write of an atomic, share it */
        h = &st->hist[env->cur_hist];
        h->flags |= flags;
    } else {
        if (st->hist_cnt == st->hist_cap) {
            uint32_t cap = st->hist_cap ? st->hist_cap * 2 : 8;
            struct vhist *nh = realloc(st->hist, cap * sizeof(*nh));
            if (!nh)
                return -ENOMEM;
            st->hist = nh;
            st->hist_cap = cap;
        }
        h = &st->hist[st->hist_cnt];
        memset(h, 0, sizeof(*h));
        h->idx = env->insn_idx;
        h->prev_idx = env->prev_insn_idx;
        h->flags = flags;
        env->cur_hist = (int32_t)st->hist_cnt++;
    }
    if (n_linked) {
        if (n_linked > V_LINKED_MAX)
            n_linked = V_LINKED_MAX;
        memcpy(h->linked, linked, n_linked * sizeof(*linked));
        h->n_linked = (uint8_t)n_linked;
    }
    return 0;
}

static const struct vhist *hist_entry(const struct vstate *st, uint32_t cnt, int32_t i)
{
    if (cnt && st->hist[cnt - 1].idx == (uint32_t)i)
        return &st->hist[cnt - 1];
    return NULL;
}

/* The insn executed before i in this state: from the history when i was
 * reached by a jump, else i - 1. -ENOENT at the state's first insn. */
static int32_t prev_insn(const struct vstate *st, int32_t i, uint32_t *cnt)
{
    if (i == st->first_insn_idx) {
        if (*cnt == 0)
            return -ENOENT;
        if (*cnt == 1 && st->hist[0].idx == (uint32_t)i)
            return -ENOENT;
    }
    if (*cnt && st->hist[*cnt - 1].idx == (uint32_t)i) {
        (*cnt)--;
        return st->hist[*cnt].prev_idx;
    }
    return i - 1;
}

/* ---------------------------------------------------------------- log */

static void fmt_regs(char *b, size_t n, uint32_t mask)
{
    size_t p = 0;
    b[0] = '\0';
    for (uint32_t i = 0; i < 32 && p < n; i++)
        if (mask & (1u << i))
            p += (size_t)snprintf(b + p, n - p, "%sr%u", p ? "," : "", i);
}

static void fmt_slots(char *b, size_t n, uint64_t mask)
{
    size_t p = 0;
    b[0] = '\0';
    for (uint32_t i = 0; i < 64 && p < n; i++)
        if (mask & (1ull << i))
            p += (size_t)snprintf(b + p, n - p, "%s%d", p ? "," : "", -(int)(i + 1) * 8);
}

/* ------------------------------------------------------- backtracking */

static bool is_spilled_scalar(const struct vframe *f, uint32_t spi)
{
    return spi < f->allocated / 8 && f->stack[spi].type[7] == STACK_SPILL &&
           f->stack[spi].spilled.type == SCALAR_VALUE;
}

/* The big hammer: every scalar of every parent checkpoint is precise. */
static void mark_all_precise(struct venv *env, struct vstate *start)
{
    bool l2 = env->log.level & 2;
    if (l2)
        verbose(env, "mark_precise: frame%u: falling back to forcing all scalars precise\n",
                start->curframe);
    for (struct vsaved *p = start->parent; p; p = p->st.parent) {
        struct vstate *st = &p->st;
        for (uint32_t i = 0; i <= st->curframe; i++) {
            struct vframe *f = st->frame[i];
            for (uint32_t j = 0; j < V_REG_FP; j++) {
                struct vreg *r = &f->regs[j];
                if (r->type != SCALAR_VALUE || r->precise)
                    continue;
                r->precise = true;
                if (l2)
                    verbose(env, "force_precise: frame%u: forcing r%u to be precise\n", i, j);
            }
            for (uint32_t j = 0; j < f->allocated / 8; j++) {
                struct vreg *r = &f->stack[j].spilled;
                if (f->stack[j].type[7] != STACK_SPILL || r->type != SCALAR_VALUE || r->precise)
                    continue;
                r->precise = true;
                if (l2)
                    verbose(env, "force_precise: frame%u: forcing fp%d to be precise\n", i,
                            -(int)(j + 1) * 8);
            }
        }
    }
}

void v_mark_chain_all_precise(struct venv *env)
{
    if (env->bpf_capable)
        mark_all_precise(env, &env->cur);
}

void v_mark_all_scalars_imprecise(struct vstate *st)
{
    for (uint32_t i = 0; i <= st->curframe; i++) {
        struct vframe *f = st->frame[i];
        for (uint32_t j = 0; j < V_REG_FP; j++)
            if (f->regs[j].type == SCALAR_VALUE)
                f->regs[j].precise = false;
        for (uint32_t j = 0; j < f->allocated / 8; j++)
            if (f->stack[j].type[7] == STACK_SPILL && f->stack[j].spilled.type == SCALAR_VALUE)
                f->stack[j].spilled.precise = false;
    }
}

/* A jump that refined linked scalars: if one of them needs precision, all
 * do (their bounds came from the same comparison). */
static void sync_linked(struct bt *bt, const struct vhist *h)
{
    if (!h || h->n_linked < 2)
        return;
    bool any = false;
    for (unsigned i = 0; i < h->n_linked && !any; i++) {
        const struct vlinked_ent *e = &h->linked[i];
        any = e->is_reg ? bt->regs[e->frame] & (1u << e->idx)
                        : (bt->slots[e->frame] >> e->idx) & 1;
    }
    if (!any)
        return;
    for (unsigned i = 0; i < h->n_linked; i++) {
        const struct vlinked_ent *e = &h->linked[i];
        if (e->is_reg)
            bt->regs[e->frame] |= 1u << e->idx;
        else
            bt->slots[e->frame] |= 1ull << e->idx;
    }
}

/* One insn backwards: bt holds what is needed after idx; leave what is
 * needed before it. subseq: the insn that came after idx on this path.
 * 0, or BT_UNSUPPORTED when the walk cannot follow (all precise). */
static int backtrack_insn(struct venv *env, int32_t idx, int32_t subseq, const struct vhist *h,
                          struct bt *bt)
{
    const struct bpf_insn *insn = &env->insns[idx];
    uint8_t cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code), mode = BPF_MODE(insn->code);
    uint32_t dreg = insn->dst_reg, sreg = insn->src_reg;
    if (insn->code == 0)
        return 0; /* the second slot of a ld_imm64 */
    if (env->log.level & 2) {
        char rb[64], sb[400];
        fmt_regs(rb, sizeof(rb), bt->regs[bt->frame]);
        fmt_slots(sb, sizeof(sb), bt->slots[bt->frame]);
        verbose(env, "mark_precise: frame%u: regs=%s stack=%s before %d: ", bt->frame, rb, sb,
                idx);
        v_print_insn(env, (uint32_t)idx);
    }
    sync_linked(bt, h);
    if (dreg >= V_MAX_REG || sreg >= V_MAX_REG)
        return BT_UNSUPPORTED;
    bool stack_access = h && (h->flags & V_HIST_STACK);
    uint32_t spi = h ? (h->flags >> 3) & 63 : 0, fr = h ? h->flags & 7u : 0;
    bool load_acq = cls == BPF_STX && mode == BPF_ATOMIC && insn->imm == 0x100; /* BPF_LOAD_ACQ */

    if (cls == BPF_ALU || cls == BPF_ALU64) {
        if (!bt_reg(bt, dreg))
            return 0;
        if (op == BPF_END || op == BPF_NEG)
            return 0;
        if (op == BPF_MOV) {
            bt_clear(bt, dreg);
            if (BPF_SRC(insn->code) == BPF_X && sreg != V_REG_FP)
                bt_set(bt, sreg);
        } else if (BPF_SRC(insn->code) == BPF_X && sreg != V_REG_FP) {
            bt_set(bt, sreg);
        }
        return 0;
    }
    if (cls == BPF_LDX || load_acq) {
        if (!bt_reg(bt, dreg))
            return 0;
        bt_clear(bt, dreg);
        /* only a fill from a spilled register keeps a scalar's value;
         * other memory gives a fresh unknown or a constant */
        if (!stack_access)
            return 0;
        bt->slots[fr] |= 1ull << spi;
        return 0;
    }
    if (cls == BPF_STX || cls == BPF_ST) {
        if (bt_reg(bt, dreg))
            return BT_UNSUPPORTED; /* a scalar used as an address: pointer subtraction */
        if (!stack_access || !((bt->slots[fr] >> spi) & 1))
            return 0;
        bt->slots[fr] &= ~(1ull << spi);
        if (cls == BPF_STX)
            bt_set(bt, sreg);
        return 0;
    }
    if (cls == BPF_JMP || cls == BPF_JMP32) {
        if (op == BPF_CALL && sreg == BPF_PSEUDO_CALL) {
            /* back at the call from the callee's first insn: only
             * arguments can be left, they are the caller's r1..r5 */
            if ((bt->regs[bt->frame] & ~REGMASK_ARGS) || bt->slots[bt->frame] || !bt->frame)
                return BT_UNSUPPORTED;
            uint32_t args = bt->regs[bt->frame];
            bt->regs[bt->frame] = 0;
            bt->frame--;
            bt->regs[bt->frame] |= args;
            return 0;
        }
        if (op == BPF_CALL) {
            if (sreg == BPF_PSEUDO_KFUNC_CALL)
                return BT_UNSUPPORTED;
            if (env->aux[idx].calls_callback && subseq >= 0 && subseq != idx + 1) {
                /* back at the helper from its callback's first insn:
                 * the callback's r1-r5 are the helper's doing, not the
                 * caller's registers; nothing else can be left */
                if ((bt->regs[bt->frame] & ~REGMASK_ARGS) || bt->slots[bt->frame] || !bt->frame)
                    return BT_UNSUPPORTED;
                bt->regs[bt->frame] = 0;
                bt->frame--;
                return 0;
            }
            bt_clear(bt, 0);
            if (bt->regs[bt->frame] & REGMASK_ARGS)
                return BT_UNSUPPORTED; /* clobbered by the call: cannot be needed */
            return 0;
        }
        if (op == BPF_EXIT) {
            /* from the caller back into the callee's exit: r0 is the
             * callee's, r6-r9 and the stack stay with the caller */
            bool r0 = subseq >= 1 && env->insns[subseq - 1].code == (BPF_JMP | BPF_CALL) &&
                      env->insns[subseq - 1].src_reg == BPF_PSEUDO_CALL && bt_reg(bt, 0);
            /* a callback returns to its helper's call, whose r1-r5 were
             * set before the callback ran (and the helper's r0 is not the
             * callback's) */
            if (subseq >= 0 && env->aux[subseq].calls_callback)
                bt->regs[bt->frame] &= ~REGMASK_ARGS;
            if (bt->regs[bt->frame] & REGMASK_ARGS)
                return BT_UNSUPPORTED;
            bt_clear(bt, 0);
            if (bt->frame + 1 >= V_MAX_FRAMES)
                return BT_UNSUPPORTED;
            bt->frame++;
            bt->regs[bt->frame] = 0;
            bt->slots[bt->frame] = 0;
            if (r0)
                bt_set(bt, 0);
            return 0;
        }
        if (op != BPF_JA && BPF_SRC(insn->code) == BPF_X) {
            /* dst <cond> src: if either needs precision, both do */
            if (!bt_reg(bt, dreg) && !bt_reg(bt, sreg))
                return 0;
            bt_set(bt, sreg);
            bt_set(bt, dreg);
        }
    } else if (cls == BPF_LD) {
        if (!bt_reg(bt, dreg))
            return 0;
        bt_clear(bt, dreg);
        if (mode == BPF_IND || mode == BPF_ABS)
            return BT_UNSUPPORTED;
    }
    sync_linked(bt, h);
    return 0;
}

/* __mark_chain_precision from the state `start` (the current one): bt
 * holds the registers and slots whose value matters at start's insn. */
static int mark_chain(struct venv *env, struct vstate *start, struct bt *bt)
{
    if (!env->bpf_capable)
        return 0;
    bt->frame = start->curframe;
    if (bt_empty(bt))
        return 0;
    bool l2 = env->log.level & 2;
    struct vstate *st = start;
    int32_t first = st->first_insn_idx, last = (int32_t)st->insn_idx, subseq = -1;
    bool skip_first = true; /* start's insn is the one using the value */
    for (;;) {
        if (l2)
            verbose(env, "mark_precise: frame%u: last_idx %d first_idx %d subseq_idx %d \n",
                    bt->frame, last, first, subseq);
        if (last < 0)
            break; /* the program's entry with something left: all precise */
        uint32_t cnt = st->hist_cnt;
        for (int32_t i = last;;) {
            int rc = 0;
            if (skip_first)
                skip_first = false;
            else
                rc = backtrack_insn(env, i, subseq, hist_entry(st, cnt, i), bt);
            if (rc == BT_UNSUPPORTED) {
                mark_all_precise(env, start);
                return 0;
            }
            if (rc)
                return rc;
            if (bt_empty(bt))
                return 0;
            subseq = i;
            i = prev_insn(st, i, &cnt);
            if (i == -ENOENT)
                break;
            if (i < 0 || (uint32_t)i >= env->len) {
                mark_all_precise(env, start);
                return 0;
            }
        }
        if (!st->parent)
            break;
        st = &st->parent->st;
        for (int32_t fr = (int32_t)bt->frame; fr >= 0; fr--) {
            if ((uint32_t)fr > st->curframe) {
                mark_all_precise(env, start);
                return 0;
            }
            struct vframe *f = st->frame[fr];
            for (uint32_t i = 0; i < V_REG_FP; i++) {
                if (!(bt->regs[fr] & (1u << i)))
                    continue;
                struct vreg *r = &f->regs[i];
                if (r->type != SCALAR_VALUE || r->precise)
                    bt->regs[fr] &= ~(1u << i); /* a pointer, or marked already */
                else
                    r->precise = true;
            }
            bt->regs[fr] &= (1u << V_REG_FP) - 1;
            for (uint32_t i = 0; i < 64; i++) {
                if (!((bt->slots[fr] >> i) & 1))
                    continue;
                if (i >= f->allocated / 8) {
                    mark_all_precise(env, start);
                    return 0;
                }
                struct vreg *r = &f->stack[i].spilled;
                if (!is_spilled_scalar(f, i) || r->precise)
                    bt->slots[fr] &= ~(1ull << i);
                else
                    r->precise = true;
            }
            if (l2) {
                char rb[64], sb[400];
                fmt_regs(rb, sizeof(rb), bt->regs[fr]);
                fmt_slots(sb, sizeof(sb), bt->slots[fr]);
                verbose(env, "mark_precise: frame%d: parent state regs=%s stack=%s: ", fr, rb, sb);
                v_print_state(env, st, (uint32_t)fr, true);
            }
        }
        if (bt_empty(bt))
            return 0;
        subseq = first;
        last = st->last_insn_idx;
        first = st->first_insn_idx;
    }
    /* something the walk could not attribute (e.g. an access the history
     * does not show): every parent scalar precise */
    if (!bt_empty(bt))
        mark_all_precise(env, start);
    return 0;
}

int v_mark_chain_precision(struct venv *env, int regno)
{
    if (regno < 0 || regno >= V_REG_FP)
        return 0;
    struct bt bt;
    memset(&bt, 0, sizeof(bt));
    bt.frame = env->cur.curframe;
    if (v_cur_regs(env)[regno].type != SCALAR_VALUE)
        return 0;
    bt.regs[bt.frame] = 1u << regno;
    return mark_chain(env, &env->cur, &bt);
}

int v_mark_slot_precision(struct venv *env, uint32_t frameno, uint32_t spi)
{
    if (frameno >= V_MAX_FRAMES || spi >= V_SLOTS)
        return 0;
    struct bt bt;
    memset(&bt, 0, sizeof(bt));
    bt.slots[frameno] = 1ull << spi;
    return mark_chain(env, &env->cur, &bt);
}

int v_propagate_precision(struct venv *env, const struct vstate *old)
{
    struct bt bt;
    memset(&bt, 0, sizeof(bt));
    bool l2 = env->log.level & 2;
    for (int32_t fr = (int32_t)old->curframe; fr >= 0; fr--) {
        const struct vframe *f = old->frame[fr];
        bool first = true;
        for (uint32_t i = 0; i < V_REG_FP; i++) {
            const struct vreg *r = &f->regs[i];
            if (r->type != SCALAR_VALUE || !r->precise)
                continue;
            if (l2 && first)
                verbose(env, "frame %d: propagating r%u", fr, i);
            else if (l2)
                verbose(env, ",r%u", i);
            bt.regs[fr] |= 1u << i;
            first = false;
        }
        for (uint32_t i = 0; i < f->allocated / 8; i++) {
            const struct vreg *r = &f->stack[i].spilled;
            if (f->stack[i].type[7] != STACK_SPILL || r->type != SCALAR_VALUE || !r->precise)
                continue;
            if (l2) {
                if (first)
                    verbose(env, "frame %d: propagating fp%d", fr, -(int)(i + 1) * 8);
                else
                    verbose(env, ",fp%d", -(int)(i + 1) * 8);
            }
            bt.slots[fr] |= 1ull << i;
            first = false;
        }
        if (!first && l2)
            verbose(env, "\n");
    }
    return mark_chain(env, &env->cur, &bt);
}
