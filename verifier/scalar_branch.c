/* verifier/scalar_branch.c - conditional jumps on scalars: whether a
 * branch is decided by the operands' bounds (is_scalar_branch_taken) and
 * the refinement of both operands on each side (regs_refine_cond_op). */
#include "verifier/verifier_int.h"

#define S64_MIN INT64_MIN
#define S64_MAX INT64_MAX
#define S32_MIN INT32_MIN
#define S32_MAX INT32_MAX
#define U64_MAX UINT64_MAX
#define U32_MAX UINT32_MAX

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* ---------------------------------------------------------- branches */

uint8_t v_flip_opcode(uint8_t op)
{
    switch (op) {
    case BPF_JGT: return BPF_JLT;
    case BPF_JLT: return BPF_JGT;
    case BPF_JGE: return BPF_JLE;
    case BPF_JLE: return BPF_JGE;
    case BPF_JSGT: return BPF_JSLT;
    case BPF_JSLT: return BPF_JSGT;
    case BPF_JSGE: return BPF_JSLE;
    case BPF_JSLE: return BPF_JSGE;
    default: return op; /* JEQ, JNE, JSET */
    }
}

/* The opcode of the fall-through: JSET's reverse is JSET|BPF_X here. */
uint8_t v_rev_opcode(uint8_t op)
{
    switch (op) {
    case BPF_JEQ: return BPF_JNE;
    case BPF_JNE: return BPF_JEQ;
    case BPF_JSET: return BPF_JSET | BPF_X;
    case BPF_JSET | BPF_X: return BPF_JSET;
    case BPF_JGE: return BPF_JLT;
    case BPF_JGT: return BPF_JLE;
    case BPF_JLE: return BPF_JGT;
    case BPF_JLT: return BPF_JGE;
    case BPF_JSGE: return BPF_JSLT;
    case BPF_JSGT: return BPF_JSLE;
    case BPF_JSLE: return BPF_JSGT;
    case BPF_JSLT: return BPF_JSGE;
    default: return 0;
    }
}

static bool tnum_overlap(struct tnum a, struct tnum b)
{
    uint64_t mu = ~a.mask & ~b.mask;
    return (a.value & mu) == (b.value & mu);
}

/* is_scalar_branch_taken: 1 always, 0 never, -1 unknown. */
int v_branch_taken(const struct vreg *r1, const struct vreg *r2, uint8_t opcode, bool is32)
{
    struct tnum t1 = is32 ? tnum_subreg(r1->var_off) : r1->var_off;
    struct tnum t2 = is32 ? tnum_subreg(r2->var_off) : r2->var_off;
    uint64_t umin1 = is32 ? r1->u32_min : r1->umin, umax1 = is32 ? r1->u32_max : r1->umax;
    int64_t smin1 = is32 ? r1->s32_min : r1->smin, smax1 = is32 ? r1->s32_max : r1->smax;
    uint64_t umin2 = is32 ? r2->u32_min : r2->umin, umax2 = is32 ? r2->u32_max : r2->umax;
    int64_t smin2 = is32 ? r2->s32_min : r2->smin, smax2 = is32 ? r2->s32_max : r2->smax;

    switch (opcode) {
    case BPF_JEQ:
    case BPF_JNE: {
        int differ = -1;
        if (tnum_is_const(t1) && tnum_is_const(t2))
            differ = t1.value != t2.value;
        else if (!tnum_overlap(t1, t2))
            differ = 1;
        else if (umin1 > umax2 || umax1 < umin2 || smin1 > smax2 || smax1 < smin2)
            differ = 1;
        else if (!is32 && (r1->u32_min > r2->u32_max || r1->u32_max < r2->u32_min ||
                           r1->s32_min > r2->s32_max || r1->s32_max < r2->s32_min))
            differ = 1;
        if (differ < 0)
            return -1;
        return opcode == BPF_JEQ ? !differ : differ;
    }
    case BPF_JSET:
        if (!v_reg_is_const(r2, is32)) {
            const struct vreg *tr = r1;
            r1 = r2;
            r2 = tr;
            struct tnum tt = t1;
            t1 = t2;
            t2 = tt;
        }
        if (!v_reg_is_const(r2, is32))
            return -1;
        if ((~t1.mask & t1.value) & t2.value)
            return 1;
        if (!((t1.mask | t1.value) & t2.value))
            return 0;
        break;
    case BPF_JGT:
        if (umin1 > umax2)
            return 1;
        if (umax1 <= umin2)
            return 0;
        break;
    case BPF_JSGT:
        if (smin1 > smax2)
            return 1;
        if (smax1 <= smin2)
            return 0;
        break;
    case BPF_JLT:
        if (umax1 < umin2)
            return 1;
        if (umin1 >= umax2)
            return 0;
        break;
    case BPF_JSLT:
        if (smax1 < smin2)
            return 1;
        if (smin1 >= smax2)
            return 0;
        break;
    case BPF_JGE:
        if (umin1 >= umax2)
            return 1;
        if (umax1 < umin2)
            return 0;
        break;
    case BPF_JSGE:
        if (smin1 >= smax2)
            return 1;
        if (smax1 < smin2)
            return 0;
        break;
    case BPF_JLE:
        if (umax1 <= umin2)
            return 1;
        if (umin1 > umax2)
            return 0;
        break;
    case BPF_JSLE:
        if (smax1 <= smin2)
            return 1;
        if (smin1 > smax2)
            return 0;
        break;
    }
    return -1;
}

static void swap_regs(struct vreg **a, struct vreg **b)
{
    struct vreg *t = *a;
    *a = *b;
    *b = t;
}

/* regs_refine_cond_op: narrow r1 and r2 given that `r1 opcode r2` holds. */
static void refine_cond_op(struct vreg *r1, struct vreg *r2, uint8_t opcode, bool is32)
{
    switch (opcode) {
    case BPF_JGE: case BPF_JGT: case BPF_JSGE: case BPF_JSGT:
        opcode = v_flip_opcode(opcode);
        swap_regs(&r1, &r2);
        break;
    default:
        break;
    }
    uint64_t val;
    struct tnum t;
    switch (opcode) {
    case BPF_JEQ:
        if (is32) {
            r1->u32_min = MAX(r1->u32_min, r2->u32_min);
            r1->u32_max = MIN(r1->u32_max, r2->u32_max);
            r1->s32_min = MAX(r1->s32_min, r2->s32_min);
            r1->s32_max = MIN(r1->s32_max, r2->s32_max);
            r2->u32_min = r1->u32_min;
            r2->u32_max = r1->u32_max;
            r2->s32_min = r1->s32_min;
            r2->s32_max = r1->s32_max;
            t = tnum_intersect(tnum_subreg(r1->var_off), tnum_subreg(r2->var_off));
            r1->var_off = tnum_with_subreg(r1->var_off, t);
            r2->var_off = tnum_with_subreg(r2->var_off, t);
        } else {
            r1->umin = MAX(r1->umin, r2->umin);
            r1->umax = MIN(r1->umax, r2->umax);
            r1->smin = MAX(r1->smin, r2->smin);
            r1->smax = MIN(r1->smax, r2->smax);
            r2->umin = r1->umin;
            r2->umax = r1->umax;
            r2->smin = r1->smin;
            r2->smax = r1->smax;
            r1->var_off = tnum_intersect(r1->var_off, r2->var_off);
            r2->var_off = r1->var_off;
        }
        break;
    case BPF_JNE:
        if (!v_reg_is_const(r2, is32))
            swap_regs(&r1, &r2);
        if (!v_reg_is_const(r2, is32))
            break;
        val = v_reg_const(r2, is32);
        if (is32) {
            if (r1->u32_min == (uint32_t)val)
                r1->u32_min++;
            if (r1->u32_max == (uint32_t)val)
                r1->u32_max--;
            if (r1->s32_min == (int32_t)val)
                r1->s32_min++;
            if (r1->s32_max == (int32_t)val)
                r1->s32_max--;
        } else {
            if (r1->umin == val)
                r1->umin++;
            if (r1->umax == val)
                r1->umax--;
            if (r1->smin == (int64_t)val)
                r1->smin++;
            if (r1->smax == (int64_t)val)
                r1->smax--;
        }
        break;
    case BPF_JSET:
        if (!v_reg_is_const(r2, is32))
            swap_regs(&r1, &r2);
        if (!v_reg_is_const(r2, is32))
            break;
        val = v_reg_const(r2, is32);
        if (!val || (val & (val - 1)))
            break;
        if (is32) {
            t = tnum_or(tnum_subreg(r1->var_off), tnum_const(val));
            r1->var_off = tnum_with_subreg(r1->var_off, t);
        } else {
            r1->var_off = tnum_or(r1->var_off, tnum_const(val));
        }
        break;
    case BPF_JSET | BPF_X:
        if (!v_reg_is_const(r2, is32))
            swap_regs(&r1, &r2);
        if (!v_reg_is_const(r2, is32))
            break;
        val = v_reg_const(r2, is32);
        v_mark_reg_unbounded(r1);
        if (is32) {
            t = tnum_and(tnum_subreg(r1->var_off), tnum_const(~val));
            r1->var_off = tnum_with_subreg(r1->var_off, t);
        } else {
            r1->var_off = tnum_and(r1->var_off, tnum_const(~val));
        }
        break;
    case BPF_JLE:
        if (is32) {
            r1->u32_max = MIN(r1->u32_max, r2->u32_max);
            r2->u32_min = MAX(r1->u32_min, r2->u32_min);
        } else {
            r1->umax = MIN(r1->umax, r2->umax);
            r2->umin = MAX(r1->umin, r2->umin);
        }
        break;
    case BPF_JLT:
        if (is32) {
            r1->u32_max = MIN(r1->u32_max, r2->u32_max - 1);
            r2->u32_min = MAX(r1->u32_min + 1, r2->u32_min);
        } else {
            r1->umax = MIN(r1->umax, r2->umax - 1);
            r2->umin = MAX(r1->umin + 1, r2->umin);
        }
        break;
    case BPF_JSLE:
        if (is32) {
            r1->s32_max = MIN(r1->s32_max, r2->s32_max);
            r2->s32_min = MAX(r1->s32_min, r2->s32_min);
        } else {
            r1->smax = MIN(r1->smax, r2->smax);
            r2->smin = MAX(r1->smin, r2->smin);
        }
        break;
    case BPF_JSLT:
        if (is32) {
            r1->s32_max = MIN(r1->s32_max, (int32_t)((uint32_t)r2->s32_max - 1));
            r2->s32_min = MAX((int32_t)((uint32_t)r1->s32_min + 1), r2->s32_min);
        } else {
            r1->smax = MIN(r1->smax, (int64_t)((uint64_t)r2->smax - 1));
            r2->smin = MAX((int64_t)((uint64_t)r1->smin + 1), r2->smin);
        }
        break;
    default:
        break;
    }
}

/* Both operands of `a opcode b` refined as the condition holds
 * (opcode) - the caller passes rev_opcode for the fall-through. Only for two
 * scalars. */
int v_reg_set_min_max(struct vreg *a, struct vreg *b, uint8_t opcode, bool is32)
{
    if (a->type != SCALAR_VALUE || b->type != SCALAR_VALUE)
        return 0;
    /* a == b (a register compared with itself) is refined too, as 6.18
     * does: on a branch that cannot be taken the bounds become nonsense,
     * which is harmless */
    refine_cond_op(a, b, opcode, is32);
    v_reg_bounds_sync(a);
    v_reg_bounds_sync(b);
    return 0;
}
