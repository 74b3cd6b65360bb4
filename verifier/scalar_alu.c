/* verifier/scalar_alu.c - the ALU transfer functions on scalar bounds
 * (the kernel's adjust_scalar_min_max_vals and scalar*_min_max_*): add,
 * sub, neg, mul, and, or, xor, shifts, for the 64-bit value and the 32-bit
 * subregister, then the bounds synced (scalar.c). */
#include "verifier/verifier_int.h"

#define S64_MIN INT64_MIN
#define S64_MAX INT64_MAX
#define S32_MIN INT32_MIN
#define S32_MAX INT32_MAX
#define U64_MAX UINT64_MAX
#define U32_MAX UINT32_MAX

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

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
        v_mark_reg32_known(d, v.value);
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
    v_update_reg_bounds(d);
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
    v_mark_reg64_unbounded(d);
    v_update_reg32_bounds(d);
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
    v_update_reg_bounds(d);
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
