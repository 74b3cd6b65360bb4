/* verifier/scalar.c - scalar bounds: a tnum plus signed and unsigned 64-bit
 * and 32-bit ranges, kept consistent with each other (reg_bounds_sync), the
 * ALU transfer functions and the refinement of both branches of a
 * conditional jump. The rules are the 6.18 kernel's (verifier.c's
 * __update_reg_bounds, __reg_deduce_bounds, scalar*_min_max_*,
 * is_scalar_branch_taken, regs_refine_cond_op), so that the bounds we print
 * are the kernel's. */
#include "verifier/verifier_int.h"

#define S64_MIN INT64_MIN
#define S64_MAX INT64_MAX
#define S32_MIN INT32_MIN
#define S32_MAX INT32_MAX
#define U64_MAX UINT64_MAX
#define U32_MAX UINT32_MAX

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* ------------------------------------------------------------- basics */

static void mark_reg64_unbounded(struct vreg *r)
{
    r->smin = S64_MIN;
    r->smax = S64_MAX;
    r->umin = 0;
    r->umax = U64_MAX;
}

void v_mark_reg32_unbounded(struct vreg *r)
{
    r->s32_min = S32_MIN;
    r->s32_max = S32_MAX;
    r->u32_min = 0;
    r->u32_max = U32_MAX;
}

void v_mark_reg_unbounded(struct vreg *r)
{
    mark_reg64_unbounded(r);
    v_mark_reg32_unbounded(r);
}

/* The kernel's ___mark_reg_known: every bound is the constant. */
void v_mark_reg_known(struct vreg *r, uint64_t imm)
{
    r->var_off = tnum_const(imm);
    r->smin = (int64_t)imm;
    r->smax = (int64_t)imm;
    r->umin = imm;
    r->umax = imm;
    r->s32_min = (int32_t)imm;
    r->s32_max = (int32_t)imm;
    r->u32_min = (uint32_t)imm;
    r->u32_max = (uint32_t)imm;
}

static void mark_reg32_known(struct vreg *r, uint64_t imm)
{
    r->var_off = tnum_const_subreg(r->var_off, (uint32_t)imm);
    r->s32_min = (int32_t)imm;
    r->s32_max = (int32_t)imm;
    r->u32_min = (uint32_t)imm;
    r->u32_max = (uint32_t)imm;
}

bool v_reg_is_const(const struct vreg *r, bool is32)
{
    return r->type == SCALAR_VALUE &&
           tnum_is_const(is32 ? tnum_subreg(r->var_off) : r->var_off);
}

uint64_t v_reg_const(const struct vreg *r, bool is32)
{
    return is32 ? (uint32_t)r->var_off.value : r->var_off.value;
}

/* ------------------------------------------------------- bounds sync */

static void update_reg32_bounds(struct vreg *r)
{
    struct tnum v = tnum_subreg(r->var_off);
    r->s32_min = MAX(r->s32_min, (int32_t)(uint32_t)(v.value | (v.mask & (uint32_t)S32_MIN)));
    r->s32_max = MIN(r->s32_max, (int32_t)(uint32_t)(v.value | (v.mask & S32_MAX)));
    r->u32_min = MAX(r->u32_min, (uint32_t)v.value);
    r->u32_max = MIN(r->u32_max, (uint32_t)(v.value | v.mask));
}

static void update_reg64_bounds(struct vreg *r)
{
    r->smin = MAX(r->smin, (int64_t)(r->var_off.value | (r->var_off.mask & (uint64_t)S64_MIN)));
    r->smax = MIN(r->smax, (int64_t)(r->var_off.value | (r->var_off.mask & S64_MAX)));
    r->umin = MAX(r->umin, r->var_off.value);
    r->umax = MIN(r->umax, r->var_off.value | r->var_off.mask);
    /* the u64 range and the tnum may have a single value in common */
    uint64_t next = tnum_step(r->var_off, r->umin);
    uint64_t tmax = r->var_off.value | r->var_off.mask;
    bool umin_in = (r->umin & ~r->var_off.mask) == r->var_off.value;
    if (umin_in && next > r->umax)
        v_mark_reg_known(r, r->umin);
    else if (!umin_in && next == tmax)
        v_mark_reg_known(r, tmax);
    else if (!umin_in && next <= r->umax && tnum_step(r->var_off, next) > r->umax)
        v_mark_reg_known(r, next);
}

static void update_reg_bounds(struct vreg *r)
{
    update_reg32_bounds(r);
    update_reg64_bounds(r);
}

static void reg32_deduce_bounds(struct vreg *r)
{
    /* the upper halves of the 64-bit range are equal: the lower halves
     * form a range */
    if ((r->umin >> 32) == (r->umax >> 32)) {
        r->u32_min = MAX(r->u32_min, (uint32_t)r->umin);
        r->u32_max = MIN(r->u32_max, (uint32_t)r->umax);
        if ((int32_t)r->umin <= (int32_t)r->umax) {
            r->s32_min = MAX(r->s32_min, (int32_t)r->umin);
            r->s32_max = MIN(r->s32_max, (int32_t)r->umax);
        }
    }
    if ((r->smin >> 32) == (r->smax >> 32)) {
        if ((uint32_t)r->smin <= (uint32_t)r->smax) {
            r->u32_min = MAX(r->u32_min, (uint32_t)r->smin);
            r->u32_max = MIN(r->u32_max, (uint32_t)r->smax);
        }
        if ((int32_t)r->smin <= (int32_t)r->smax) {
            r->s32_min = MAX(r->s32_min, (int32_t)r->smin);
            r->s32_max = MIN(r->s32_max, (int32_t)r->smax);
        }
    }
    /* upper halves two consecutive numbers, lower halves crossing from
     * negative to positive: still a valid s32 range */
    if ((uint32_t)(r->umin >> 32) + 1 == (uint32_t)(r->umax >> 32) && (int32_t)r->umin < 0 &&
        (int32_t)r->umax >= 0) {
        r->s32_min = MAX(r->s32_min, (int32_t)r->umin);
        r->s32_max = MIN(r->s32_max, (int32_t)r->umax);
    }
    if ((uint32_t)((uint64_t)r->smin >> 32) + 1 == (uint32_t)((uint64_t)r->smax >> 32) &&
        (int32_t)r->smin < 0 && (int32_t)r->smax >= 0) {
        r->s32_min = MAX(r->s32_min, (int32_t)r->smin);
        r->s32_max = MIN(r->s32_max, (int32_t)r->smax);
    }
    /* a u32 range not crossing the sign bit is an s32 range */
    if ((int32_t)r->u32_min <= (int32_t)r->u32_max) {
        r->s32_min = MAX(r->s32_min, (int32_t)r->u32_min);
        r->s32_max = MIN(r->s32_max, (int32_t)r->u32_max);
    }
    /* an s32 range not crossing the sign boundary is a u32 range */
    if ((uint32_t)r->s32_min <= (uint32_t)r->s32_max) {
        r->u32_min = MAX((uint32_t)r->s32_min, r->u32_min);
        r->u32_max = MIN((uint32_t)r->s32_max, r->u32_max);
    } else if (r->u32_max < (uint32_t)r->s32_min) {
        /* crossing it: the u32 range meets only the non-negative part */
        r->s32_min = (int32_t)r->u32_min;
        r->u32_max = MIN(r->u32_max, (uint32_t)r->s32_max);
    } else if ((uint32_t)r->s32_max < r->u32_min) {
        /* or only the negative part */
        r->s32_max = (int32_t)r->u32_max;
        r->u32_min = MAX(r->u32_min, (uint32_t)r->s32_min);
    }
}

static void reg64_deduce_bounds(struct vreg *r)
{
    if ((int64_t)r->umin <= (int64_t)r->umax) {
        r->smin = MAX(r->smin, (int64_t)r->umin);
        r->smax = MIN(r->smax, (int64_t)r->umax);
    }
    if ((uint64_t)r->smin <= (uint64_t)r->smax) {
        r->umin = MAX((uint64_t)r->smin, r->umin);
        r->umax = MIN((uint64_t)r->smax, r->umax);
    } else {
        /* the s64 range crosses the sign boundary (it is split between
         * both ends of the u64 domain): a u64 range overlapping only one
         * of its parts is that part */
        if (r->umax < (uint64_t)r->smin) {
            r->smin = (int64_t)r->umin;
            r->umax = MIN(r->umax, (uint64_t)r->smax);
        } else if ((uint64_t)r->smax < r->umin) {
            r->smax = (int64_t)r->umax;
            r->umin = MAX(r->umin, (uint64_t)r->smin);
        }
    }
}

static void reg_deduce_mixed_bounds(struct vreg *r)
{
    uint64_t new_umin = (r->umin & ~0xffffffffull) | r->u32_min;
    uint64_t new_umax = (r->umax & ~0xffffffffull) | r->u32_max;
    r->umin = MAX(r->umin, new_umin);
    r->umax = MIN(r->umax, new_umax);
    int64_t new_smin = (int64_t)(((uint64_t)r->smin & ~0xffffffffull) | r->u32_min);
    int64_t new_smax = (int64_t)(((uint64_t)r->smax & ~0xffffffffull) | r->u32_max);
    r->smin = MAX(r->smin, new_smin);
    r->smax = MIN(r->smax, new_smax);
    /* after a sign-extending load: the upper 32 bits all 0 or all 1 */
    if (r->s32_min >= 0 && r->smin >= S32_MIN && r->smax <= S32_MAX) {
        r->smin = r->s32_min;
        r->smax = r->s32_max;
        r->umin = (uint64_t)(int64_t)r->s32_min;
        r->umax = (uint64_t)(int64_t)r->s32_max;
        r->var_off = tnum_intersect(r->var_off, tnum_range((uint64_t)r->smin, (uint64_t)r->smax));
    }
}

static void reg_deduce_bounds(struct vreg *r)
{
    reg32_deduce_bounds(r);
    reg64_deduce_bounds(r);
    reg_deduce_mixed_bounds(r);
}

static void reg_bound_offset(struct vreg *r)
{
    struct tnum v64 = tnum_intersect(r->var_off, tnum_range(r->umin, r->umax));
    struct tnum v32 = tnum_intersect(tnum_subreg(v64), tnum_range(r->u32_min, r->u32_max));
    r->var_off = tnum_or(tnum_clear_subreg(v64), v32);
}

void v_reg_bounds_sync(struct vreg *r)
{
    update_reg_bounds(r);
    reg_deduce_bounds(r);
    reg_deduce_bounds(r);
    reg_bound_offset(r);
    update_reg_bounds(r);
}

/* ------------------------------------------------ width conversions */

static void reg_assign_32_into_64(struct vreg *r)
{
    r->umin = r->u32_min;
    r->umax = r->u32_max;
    if (r->s32_min >= 0 && r->s32_max >= 0) {
        r->smin = r->s32_min;
        r->smax = r->s32_max;
    } else {
        r->smin = 0;
        r->smax = U32_MAX;
    }
}

void v_zext_32_to_64(struct vreg *r)
{
    r->var_off = tnum_subreg(r->var_off);
    reg_assign_32_into_64(r);
}

/* Truncate to `size` bytes (zero extension), as a narrow load does. */
void v_coerce_reg_to_size(struct vreg *r, int size)
{
    r->var_off = tnum_cast(r->var_off, (uint8_t)size);
    uint64_t mask = size >= 8 ? U64_MAX : (1ull << (size * 8)) - 1;
    if ((r->umin & ~mask) == (r->umax & ~mask)) {
        r->umin &= mask;
        r->umax &= mask;
    } else {
        r->umin = 0;
        r->umax = mask;
    }
    r->smin = (int64_t)r->umin;
    r->smax = (int64_t)r->umax;
    if (size < 4)
        v_mark_reg32_unbounded(r);
    v_reg_bounds_sync(r);
}

static int64_t sext(uint64_t v, int size)
{
    switch (size) {
    case 1: return (int8_t)v;
    case 2: return (int16_t)v;
    default: return (int32_t)v;
    }
}

static void set_sext64_default(struct vreg *r, int size)
{
    int64_t lo = size == 1 ? INT8_MIN : size == 2 ? INT16_MIN : S32_MIN;
    int64_t hi = size == 1 ? INT8_MAX : size == 2 ? INT16_MAX : S32_MAX;
    r->smin = lo;
    r->s32_min = (int32_t)lo;
    r->smax = hi;
    r->s32_max = (int32_t)hi;
    r->umin = 0;
    r->u32_min = 0;
    r->umax = U64_MAX;
    r->u32_max = U32_MAX;
    r->var_off = tnum_unknown();
}

/* Sign-extend the low `size` bytes into 64 bits (movsx, ldsx). */
void v_coerce_reg_to_size_sx(struct vreg *r, int size)
{
    uint64_t nbits = (uint64_t)size * 8;
    if (tnum_is_const(r->var_off)) {
        uint64_t v = (uint64_t)sext(r->var_off.value, size);
        r->var_off = tnum_const(v);
        r->smin = r->smax = (int64_t)v;
        r->umin = r->umax = v;
        r->s32_min = r->s32_max = (int32_t)v;
        r->u32_min = r->u32_max = (uint32_t)v;
        return;
    }
    uint64_t top_smax = ((uint64_t)r->smax >> nbits) << nbits;
    uint64_t top_smin = ((uint64_t)r->smin >> nbits) << nbits;
    if (top_smax == top_smin) {
        int64_t a = sext((uint64_t)r->smax, size), b = sext((uint64_t)r->smin, size);
        int64_t mx = MAX(a, b), mn = MIN(a, b);
        if ((mx >= 0) == (mn >= 0)) {
            r->s32_min = (int32_t)mn;
            r->smin = mn;
            r->s32_max = (int32_t)mx;
            r->smax = mx;
            r->u32_min = (uint32_t)mn;
            r->umin = (uint64_t)mn;
            r->u32_max = (uint32_t)mx;
            r->umax = (uint64_t)mx;
            r->var_off = tnum_range((uint64_t)mn, (uint64_t)mx);
            return;
        }
    }
    set_sext64_default(r, size);
}

/* Sign-extend the low `size` (1, 2) bytes into the 32-bit subregister. */
void v_coerce_subreg_to_size_sx(struct vreg *r, int size)
{
    uint32_t nbits = (uint32_t)size * 8;
    if (tnum_is_const(r->var_off)) {
        uint32_t v = (uint32_t)(int32_t)sext(r->var_off.value, size);
        r->var_off = tnum_const((uint64_t)(int64_t)(int32_t)v);
        r->s32_min = r->s32_max = (int32_t)v;
        r->u32_min = r->u32_max = v;
        return;
    }
    uint32_t top_smax = ((uint32_t)r->s32_max >> nbits) << nbits;
    uint32_t top_smin = ((uint32_t)r->s32_min >> nbits) << nbits;
    if (top_smax == top_smin) {
        int32_t a = (int32_t)sext((uint32_t)r->s32_max, size);
        int32_t b = (int32_t)sext((uint32_t)r->s32_min, size);
        int32_t mx = MAX(a, b), mn = MIN(a, b);
        if ((mn >= 0) == (mx >= 0)) {
            r->s32_min = mn;
            r->s32_max = mx;
            r->u32_min = (uint32_t)mn;
            r->u32_max = (uint32_t)mx;
            r->var_off = tnum_subreg(tnum_range((uint64_t)(int64_t)mn, (uint64_t)(int64_t)mx));
            return;
        }
    }
    r->s32_min = size == 1 ? INT8_MIN : INT16_MIN;
    r->s32_max = size == 1 ? INT8_MAX : INT16_MAX;
    r->u32_min = 0;
    r->u32_max = U32_MAX;
    r->var_off = tnum_subreg(tnum_unknown());
}

/* ---------------------------------------------------------------- ALU */

static void min_max_add32(struct vreg *d, const struct vreg *s)
{
    int32_t a, b;
    if (__builtin_add_overflow(d->s32_min, s->s32_min, &a) ||
        __builtin_add_overflow(d->s32_max, s->s32_max, &b)) {
        d->s32_min = S32_MIN;
        d->s32_max = S32_MAX;
    } else {
        d->s32_min = a;
        d->s32_max = b;
    }
    uint32_t umin, umax;
    bool omin = __builtin_add_overflow(d->u32_min, s->u32_min, &umin);
    bool omax = __builtin_add_overflow(d->u32_max, s->u32_max, &umax);
    d->u32_min = umin;
    d->u32_max = umax;
    if (!omin && omax) {
        d->u32_min = 0;
        d->u32_max = U32_MAX;
    }
}

static void min_max_add64(struct vreg *d, const struct vreg *s)
{
    int64_t a, b;
    if (__builtin_add_overflow(d->smin, s->smin, &a) ||
        __builtin_add_overflow(d->smax, s->smax, &b)) {
        d->smin = S64_MIN;
        d->smax = S64_MAX;
    } else {
        d->smin = a;
        d->smax = b;
    }
    uint64_t umin, umax;
    bool omin = __builtin_add_overflow(d->umin, s->umin, &umin);
    bool omax = __builtin_add_overflow(d->umax, s->umax, &umax);
    d->umin = umin;
    d->umax = umax;
    if (!omin && omax) {
        d->umin = 0;
        d->umax = U64_MAX;
    }
}

static void min_max_sub32(struct vreg *d, const struct vreg *s)
{
    int32_t a, b;
    if (__builtin_sub_overflow(d->s32_min, s->s32_max, &a) ||
        __builtin_sub_overflow(d->s32_max, s->s32_min, &b)) {
        d->s32_min = S32_MIN;
        d->s32_max = S32_MAX;
    } else {
        d->s32_min = a;
        d->s32_max = b;
    }
    uint32_t umin, umax;
    bool umin_under = __builtin_sub_overflow(d->u32_min, s->u32_max, &umin);
    bool umax_under = __builtin_sub_overflow(d->u32_max, s->u32_min, &umax);
    d->u32_min = umin;
    d->u32_max = umax;
    if (umin_under && !umax_under) {
        d->u32_min = 0;
        d->u32_max = U32_MAX;
    }
}

static void min_max_sub64(struct vreg *d, const struct vreg *s)
{
    int64_t a, b;
    if (__builtin_sub_overflow(d->smin, s->smax, &a) ||
        __builtin_sub_overflow(d->smax, s->smin, &b)) {
        d->smin = S64_MIN;
        d->smax = S64_MAX;
    } else {
        d->smin = a;
        d->smax = b;
    }
    uint64_t umin, umax;
    bool umin_under = __builtin_sub_overflow(d->umin, s->umax, &umin);
    bool umax_under = __builtin_sub_overflow(d->umax, s->umin, &umax);
    d->umin = umin;
    d->umax = umax;
    if (umin_under && !umax_under) {
        d->umin = 0;
        d->umax = U64_MAX;
    }
}

static void min_max_mul32(struct vreg *d, const struct vreg *s)
{
    uint32_t umax, umin;
    if (__builtin_mul_overflow(d->u32_max, s->u32_max, &umax) ||
        __builtin_mul_overflow(d->u32_min, s->u32_min, &umin)) {
        d->u32_min = 0;
        d->u32_max = U32_MAX;
    } else {
        d->u32_min = umin;
        d->u32_max = umax;
    }
    int32_t p[4];
    if (__builtin_mul_overflow(d->s32_min, s->s32_min, &p[0]) ||
        __builtin_mul_overflow(d->s32_min, s->s32_max, &p[1]) ||
        __builtin_mul_overflow(d->s32_max, s->s32_min, &p[2]) ||
        __builtin_mul_overflow(d->s32_max, s->s32_max, &p[3])) {
        d->s32_min = S32_MIN;
        d->s32_max = S32_MAX;
    } else {
        int32_t mn = p[0], mx = p[0];
        for (int i = 1; i < 4; i++) {
            mn = MIN(mn, p[i]);
            mx = MAX(mx, p[i]);
        }
        d->s32_min = mn;
        d->s32_max = mx;
    }
}

static void min_max_mul64(struct vreg *d, const struct vreg *s)
{
    uint64_t umax, umin;
    if (__builtin_mul_overflow(d->umax, s->umax, &umax) ||
        __builtin_mul_overflow(d->umin, s->umin, &umin)) {
        d->umin = 0;
        d->umax = U64_MAX;
    } else {
        d->umin = umin;
        d->umax = umax;
    }
    int64_t p[4];
    if (__builtin_mul_overflow(d->smin, s->smin, &p[0]) ||
        __builtin_mul_overflow(d->smin, s->smax, &p[1]) ||
        __builtin_mul_overflow(d->smax, s->smin, &p[2]) ||
        __builtin_mul_overflow(d->smax, s->smax, &p[3])) {
        d->smin = S64_MIN;
        d->smax = S64_MAX;
    } else {
        int64_t mn = p[0], mx = p[0];
        for (int i = 1; i < 4; i++) {
            mn = MIN(mn, p[i]);
            mx = MAX(mx, p[i]);
        }
        d->smin = mn;
        d->smax = mx;
    }
}

/* s32 bounds from a u32 range that does not cross the sign bit. */
static void s32_from_u32(struct vreg *d)
{
    if ((int32_t)d->u32_min <= (int32_t)d->u32_max) {
        d->s32_min = (int32_t)d->u32_min;
        d->s32_max = (int32_t)d->u32_max;
    } else {
        d->s32_min = S32_MIN;
        d->s32_max = S32_MAX;
    }
}

static void s64_from_u64(struct vreg *d)
{
    if ((int64_t)d->umin <= (int64_t)d->umax) {
        d->smin = (int64_t)d->umin;
        d->smax = (int64_t)d->umax;
    } else {
        d->smin = S64_MIN;
        d->smax = S64_MAX;
    }
}

enum bitop { OP_AND, OP_OR, OP_XOR };

static void min_max_bitop32(struct vreg *d, const struct vreg *s, enum bitop op)
{
    bool src_known = tnum_subreg_is_const(s->var_off);
    bool dst_known = tnum_subreg_is_const(d->var_off);
    struct tnum v = tnum_subreg(d->var_off);
    if (src_known && dst_known) {
        mark_reg32_known(d, v.value);
        return;
    }
    switch (op) {
    case OP_AND:
        d->u32_min = (uint32_t)v.value;
        d->u32_max = MIN(d->u32_max, s->u32_max);
        break;
    case OP_OR:
        d->u32_min = MAX(d->u32_min, s->u32_min);
        d->u32_max = (uint32_t)(v.value | v.mask);
        break;
    case OP_XOR:
        d->u32_min = (uint32_t)v.value;
        d->u32_max = (uint32_t)(v.value | v.mask);
        break;
    }
    s32_from_u32(d);
}

static void min_max_bitop64(struct vreg *d, const struct vreg *s, enum bitop op)
{
    bool src_known = tnum_is_const(s->var_off);
    bool dst_known = tnum_is_const(d->var_off);
    if (src_known && dst_known) {
        v_mark_reg_known(d, d->var_off.value);
        return;
    }
    switch (op) {
    case OP_AND:
        d->umin = d->var_off.value;
        d->umax = MIN(d->umax, s->umax);
        break;
    case OP_OR:
        d->umin = MAX(d->umin, s->umin);
        d->umax = d->var_off.value | d->var_off.mask;
        break;
    case OP_XOR:
        d->umin = d->var_off.value;
        d->umax = d->var_off.value | d->var_off.mask;
        break;
    }
    s64_from_u64(d);
    update_reg_bounds(d);
}

static void lsh32_bounds(struct vreg *d, uint64_t umin_val, uint64_t umax_val)
{
    d->s32_min = S32_MIN;
    d->s32_max = S32_MAX;
    if (umax_val > 31 || d->u32_max > 1ull << (31 - umax_val)) {
        d->u32_min = 0;
        d->u32_max = U32_MAX;
    } else {
        d->u32_min <<= umin_val;
        d->u32_max <<= umax_val;
    }
}

static void lsh64_bounds(struct vreg *d, uint64_t umin_val, uint64_t umax_val)
{
    if (umin_val == 32 && umax_val == 32 && d->s32_max >= 0)
        d->smax = (int64_t)((uint64_t)(int64_t)d->s32_max << 32);
    else
        d->smax = S64_MAX;
    if (umin_val == 32 && umax_val == 32 && d->s32_min >= 0)
        d->smin = (int64_t)((uint64_t)(int64_t)d->s32_min << 32);
    else
        d->smin = S64_MIN;
    if (d->umax > 1ull << (63 - umax_val)) {
        d->umin = 0;
        d->umax = U64_MAX;
    } else {
        d->umin <<= umin_val;
        d->umax <<= umax_val;
    }
}

static void shift32(struct vreg *d, const struct vreg *s, uint8_t op)
{
    uint32_t umin_val = s->u32_min, umax_val = s->u32_max;
    struct tnum sub = tnum_subreg(d->var_off);
    switch (op) {
    case BPF_LSH:
        lsh32_bounds(d, umin_val, umax_val);
        d->var_off = tnum_subreg(tnum_lshift(sub, (uint8_t)umin_val));
        break;
    case BPF_RSH:
        d->s32_min = S32_MIN;
        d->s32_max = S32_MAX;
        d->var_off = tnum_rshift(sub, (uint8_t)umin_val);
        d->u32_min >>= umax_val;
        d->u32_max >>= umin_val;
        break;
    default: /* BPF_ARSH: the shift is a constant */
        d->s32_min = (int32_t)(uint32_t)(d->s32_min >> umin_val);
        d->s32_max = (int32_t)(uint32_t)(d->s32_max >> umin_val);
        d->var_off = tnum_arshift(sub, (uint8_t)umin_val, 32);
        d->u32_min = 0;
        d->u32_max = U32_MAX;
        break;
    }
    mark_reg64_unbounded(d);
    update_reg32_bounds(d);
}

static void shift64(struct vreg *d, const struct vreg *s, uint8_t op)
{
    uint64_t umin_val = s->umin, umax_val = s->umax;
    switch (op) {
    case BPF_LSH:
        lsh64_bounds(d, umin_val, umax_val);
        lsh32_bounds(d, umin_val, umax_val);
        d->var_off = tnum_lshift(d->var_off, (uint8_t)umin_val);
        break;
    case BPF_RSH:
        d->smin = S64_MIN;
        d->smax = S64_MAX;
        d->var_off = tnum_rshift(d->var_off, (uint8_t)umin_val);
        d->umin >>= umax_val;
        d->umax >>= umin_val;
        v_mark_reg32_unbounded(d);
        break;
    default: /* BPF_ARSH */
        d->smin >>= umin_val;
        d->smax >>= umin_val;
        d->var_off = tnum_arshift(d->var_off, (uint8_t)umin_val, 64);
        d->umin = 0;
        d->umax = U64_MAX;
        v_mark_reg32_unbounded(d);
        break;
    }
    update_reg_bounds(d);
}

/* The kernel's is_safe_to_compute_dst_reg_range. */
static bool safe_to_compute(const struct bpf_insn *insn, const struct vreg *src)
{
    bool alu64 = BPF_CLASS(insn->code) == BPF_ALU64;
    bool src_const;
    if (!alu64)
        src_const = tnum_subreg_is_const(src->var_off) && src->s32_min == src->s32_max &&
                    src->u32_min == src->u32_max;
    else
        src_const = tnum_is_const(src->var_off) && src->smin == src->smax &&
                    src->umin == src->umax;
    switch (BPF_OP(insn->code)) {
    case BPF_ADD: case BPF_SUB: case BPF_NEG: case BPF_AND: case BPF_XOR: case BPF_OR:
    case BPF_MUL:
        return true;
    case BPF_LSH: case BPF_RSH: case BPF_ARSH:
        return src_const && src->umax < (alu64 ? 64u : 32u);
    default:
        return false;
    }
}

/* adjust_scalar_min_max_vals: dst op= src on two scalars. */
void v_scalar_alu(struct venv *env, const struct bpf_insn *insn, struct vreg *dst,
                  const struct vreg *srcp)
{
    struct vreg src = *srcp;
    bool alu32 = BPF_CLASS(insn->code) != BPF_ALU64;
    uint8_t op = BPF_OP(insn->code);
    if (!safe_to_compute(insn, &src)) {
        v_mark_reg_unknown(env, dst);
        return;
    }
    switch (op) {
    case BPF_ADD:
        min_max_add32(dst, &src);
        min_max_add64(dst, &src);
        dst->var_off = tnum_add(dst->var_off, src.var_off);
        break;
    case BPF_SUB:
        min_max_sub32(dst, &src);
        min_max_sub64(dst, &src);
        dst->var_off = tnum_sub(dst->var_off, src.var_off);
        break;
    case BPF_NEG: {
        struct vreg old = *dst;
        v_mark_reg_known(dst, 0);
        min_max_sub32(dst, &old);
        min_max_sub64(dst, &old);
        dst->var_off = tnum_neg(old.var_off);
        break;
    }
    case BPF_MUL:
        dst->var_off = tnum_mul(dst->var_off, src.var_off);
        min_max_mul32(dst, &src);
        min_max_mul64(dst, &src);
        break;
    case BPF_AND:
        dst->var_off = tnum_and(dst->var_off, src.var_off);
        min_max_bitop32(dst, &src, OP_AND);
        min_max_bitop64(dst, &src, OP_AND);
        break;
    case BPF_OR:
        dst->var_off = tnum_or(dst->var_off, src.var_off);
        min_max_bitop32(dst, &src, OP_OR);
        min_max_bitop64(dst, &src, OP_OR);
        break;
    case BPF_XOR:
        dst->var_off = tnum_xor(dst->var_off, src.var_off);
        min_max_bitop32(dst, &src, OP_XOR);
        min_max_bitop64(dst, &src, OP_XOR);
        break;
    case BPF_LSH: case BPF_RSH: case BPF_ARSH:
        if (alu32)
            shift32(dst, &src, op);
        else
            shift64(dst, &src, op);
        break;
    default:
        break;
    }
    if (alu32)
        v_zext_32_to_64(dst);
    v_reg_bounds_sync(dst);
}

/* Byte swaps (BPF_END): the tnum's bytes swapped when the host's byte
 * order differs (bswap always; be* on this little-endian host), truncated
 * to the width; le64 is a no-op (the register keeps even its id). */
static struct tnum tnum_bswap(struct tnum t, int size)
{
    switch (size) {
    case 16:
        return (struct tnum){__builtin_bswap16((uint16_t)t.value), __builtin_bswap16((uint16_t)t.mask)};
    case 32:
        return (struct tnum){__builtin_bswap32((uint32_t)t.value), __builtin_bswap32((uint32_t)t.mask)};
    default:
        return (struct tnum){__builtin_bswap64(t.value), __builtin_bswap64(t.mask)};
    }
}

void v_scalar_byte_swap(struct vreg *r, const struct bpf_insn *insn)
{
    bool alu64 = BPF_CLASS(insn->code) == BPF_ALU64;
    bool to_le = BPF_SRC(insn->code) == BPF_TO_LE;
    bool swap = alu64 || !to_le;
    int size = insn->imm;
    if (!swap && size == 64)
        return;
    r->id = 0;
    r->off = 0;
    if (swap) {
        r->var_off = tnum_bswap(r->var_off, size);
        v_mark_reg_unbounded(r);
    }
    if (size == 16 || size == 32)
        v_coerce_reg_to_size(r, size / 8);
    else
        v_reg_bounds_sync(r);
}

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
