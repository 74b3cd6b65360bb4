/* verifier/scalar.c - scalar bounds: a tnum plus signed and unsigned 64-bit
 * and 32-bit ranges, kept consistent with each other (reg_bounds_sync),
 * width conversions (zero and sign extension) and byte swaps. The rules are
 * the 6.18 kernel's (verifier.c's __update_reg_bounds, __reg_deduce_bounds,
 * coerce_reg_to_size*), so that the bounds we print are the kernel's. ALU
 * transfer functions: scalar_alu.c; branches: scalar_branch.c. */
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

void v_mark_reg64_unbounded(struct vreg *r)
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
    v_mark_reg64_unbounded(r);
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

void v_mark_reg32_known(struct vreg *r, uint64_t imm)
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

void v_update_reg32_bounds(struct vreg *r)
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

void v_update_reg_bounds(struct vreg *r)
{
    v_update_reg32_bounds(r);
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
    v_update_reg_bounds(r);
    reg_deduce_bounds(r);
    reg_deduce_bounds(r);
    reg_bound_offset(r);
    v_update_reg_bounds(r);
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
