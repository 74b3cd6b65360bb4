/* verifier/alu.c - ALU instructions (the kernel's check_alu_op and
 * adjust_reg_min_max_vals): reserved fields, register moves (scalar ids
 * for linked copies, sign-extending moves), scalar ALU (bounds in
 * scalar.c), pointer arithmetic with its type, offset and !root
 * sanitation rules, and the [-1, 0] & K state fork. */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const alu_str[16] = {
    "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian",
    "?", "?",
};

static void assign_scalar_id_before_mov(struct venv *env, struct vreg *src)
{
    if (src->type != SCALAR_VALUE)
        return;
    if (src->id & V_ADD_CONST) {
        src->id = 0;
        src->off = 0;
    }
    if (!src->id && !tnum_is_const(src->var_off))
        src->id = ++env->id_gen;
}

static void clear_scalar_id(struct vreg *r)
{
    r->id = 0;
    r->off = 0;
}

/* Bits of the value (get_reg_width). */
static unsigned reg_width(const struct vreg *r)
{
    return r->umax ? 64u - (unsigned)__builtin_clzll(r->umax) : 0;
}

/* ------------------------------------------------ pointer arithmetic */

static bool check_reg_sane_offset(struct venv *env, const struct vreg *r, uint32_t type,
                                  int *err)
{
    bool known = tnum_is_const(r->var_off);
    int64_t val = (int64_t)r->var_off.value;
    *err = -EINVAL;
    if (known && (val >= V_MAX_VAR_OFF || val <= -V_MAX_VAR_OFF)) {
        v_err(env, -EINVAL, "math between %s pointer and %lld is not allowed\n",
              v_type_str(type), (long long)val);
        return false;
    }
    /* a scalar's off is a linked delta, not an offset: the kernel keeps
     * it apart (reg->delta) since the 6.18 stable linked-register
     * backport, so only a pointer's off is checked */
    if (r->type != SCALAR_VALUE && (r->off >= V_MAX_VAR_OFF || r->off <= -V_MAX_VAR_OFF)) {
        v_err(env, -EINVAL, "%s pointer offset %d is not allowed\n", v_type_str(type), r->off);
        return false;
    }
    if (r->smin == INT64_MIN) {
        v_err(env, -EINVAL,
              "math between %s pointer and register with unbounded min value is not allowed\n",
              v_type_str(type));
        return false;
    }
    if (r->smin >= V_MAX_VAR_OFF || r->smin <= -V_MAX_VAR_OFF) {
        v_err(env, -EINVAL, "value %lld makes %s pointer be out of bounds\n",
              (long long)r->smin, v_type_str(type));
        return false;
    }
    return true;
}

static int sanitize_err(struct venv *env, const struct bpf_insn *insn, int reason,
                        bool off_is_dst)
{
    static const char *const err = "pointer arithmetic with it prohibited for !root";
    const char *op = BPF_OP(insn->code) == BPF_ADD ? "add" : "sub";
    uint32_t dst = insn->dst_reg, src = insn->src_reg;
    switch (reason) {
    case 1: /* REASON_BOUNDS */
        return v_err(env, -EACCES, "R%u has unknown scalar with mixed signed bounds, %s\n",
                     off_is_dst ? dst : src, err);
    case 2: /* REASON_TYPE */
        return v_err(env, -EACCES, "R%u has pointer with unsupported alu operation, %s\n",
                     off_is_dst ? src : dst, err);
    case 3: /* REASON_PATHS */
        return v_err(env, -EACCES, "R%u tried to %s from different maps, paths or scalars, %s\n",
                     dst, op, err);
    default: /* REASON_LIMIT */
        return v_err(env, -EACCES, "R%u tried to %s beyond pointer bounds, %s\n", dst, op, err);
    }
}

enum { REASON_BOUNDS = 1, REASON_TYPE, REASON_PATHS, REASON_LIMIT, REASON_STACK };

/* What the first call of sanitize_ptr_alu found, for the second. */
struct san_info {
    uint32_t alu_state, alu_limit;
    bool mask_to_left;
};

/* retrieve_ptr_limit: how far the masked offset may move the pointer. */
static int retrieve_ptr_limit(struct venv *env, const struct vreg *ptr, uint32_t *limit,
                              bool mask_to_left)
{
    int64_t max, l;
    switch (ptr->type) {
    case PTR_TO_STACK:
        max = V_STACK + mask_to_left;
        l = -(int64_t)(ptr->var_off.value + (uint64_t)(int64_t)ptr->off);
        break;
    case PTR_TO_MAP_VALUE: {
        const struct verifier_map *m = v_map(env, ptr->map_idx);
        max = m ? m->value_size : 0;
        l = (mask_to_left ? ptr->smin : (int64_t)ptr->umax) + ptr->off;
        break;
    }
    default:
        return REASON_TYPE;
    }
    if (l >= max)
        return REASON_LIMIT;
    *limit = (uint32_t)l;
    return 0;
}

/* sanitize_ptr_alu, for !root (Spectre v1 masking of pointer arithmetic
 * with a register): called before the operation (an offset of mixed sign
 * is refused, the masking limit recorded, and the path where the masked
 * offset is 0 is explored speculatively) and after it (commit: the limit
 * narrowed to the pointer's move, which must be the same on every path
 * reaching the insn). 0 or a REASON_*. */
static int sanitize_ptr_alu(struct venv *env, const struct bpf_insn *insn,
                            const struct vreg *ptr, const struct vreg *off, struct vreg *dst,
                            struct san_info *info, bool commit)
{
    struct vinsn_aux *aux = &env->aux[env->insn_idx];
    if (env->bypass_spec_v1 || BPF_SRC(insn->code) == BPF_K || aux->nospec)
        return 0;
    bool off_is_imm = tnum_is_const(off->var_off);
    bool off_is_neg = off->smin < 0;
    bool ptr_is_dst = ptr == dst;
    uint8_t op = BPF_OP(insn->code);
    if (!env->cur.speculative) {
        if (!commit) {
            if (!off_is_imm && (off->smin < 0) != (off->smax < 0))
                return REASON_BOUNDS;
            info->mask_to_left = (op == BPF_ADD && off_is_neg) || (op == BPF_SUB && !off_is_neg);
        }
        uint32_t limit = 0, state;
        int err = retrieve_ptr_limit(env, ptr, &limit, info->mask_to_left);
        if (err)
            return err;
        if (commit) {
            state = info->alu_state;
            limit = (uint32_t)llabs((long long)info->alu_limit - (long long)limit);
        } else {
            state = (off_is_neg ? 4u : 0) | (off_is_imm ? 16u : 0) | (ptr_is_dst ? 1u : 2u);
            if (!off_is_imm)
                env->explore_alu_limits = true;
        }
        uint32_t *as = commit ? &aux->alu_state : &info->alu_state;
        uint32_t *al = commit ? &aux->alu_limit : &info->alu_limit;
        if (*as && (*as != state || *al != limit))
            return REASON_PATHS;
        *as = state;
        *al = limit;
    }
    if (commit || off_is_imm)
        return 0;
    /* the speculative path where the masking truncated the offset to 0 */
    struct vreg tmp;
    if (!ptr_is_dst) {
        tmp = *dst;
        *dst = *ptr;
    }
    struct vstate *branch;
    int rc = v_push_stack(env, env->insn_idx + 1, (int32_t)env->insn_idx, true, &branch);
    if (!ptr_is_dst)
        *dst = tmp;
    return rc ? rc : 0;
}

static int sanitize_check_bounds(struct venv *env, const struct bpf_insn *insn,
                                 const struct vreg *dst)
{
    if (env->bypass_spec_v1)
        return 0;
    uint32_t d = insn->dst_reg;
    switch (dst->type) {
    case PTR_TO_STACK: {
        int off = dst->off + (int)dst->var_off.value;
        if (!tnum_is_const(dst->var_off)) {
            char tn[48];
            tnum_strn(tn, sizeof(tn), dst->var_off);
            return v_err(env, -EACCES,
                         "R%u variable stack access prohibited for !root, var_off=%s off=%d\n", d,
                         tn, off);
        }
        if (off >= 0 || off < -V_STACK)
            return v_err(env, -EACCES,
                         "R%u stack pointer arithmetic goes out of range, prohibited for !root; off=%d\n",
                         d, off);
        return 0;
    }
    case PTR_TO_MAP_VALUE:
        if (v_check_map_access(env, d, dst->off, 1, false, false))
            return v_err(env, -EACCES,
                         "R%u pointer arithmetic of map value goes out of range, prohibited for !root\n",
                         d);
        return 0;
    default:
        return -EOPNOTSUPP;
    }
}

/* adjust_ptr_min_max_vals: dst = ptr op off. */
static int adjust_ptr_alu(struct venv *env, const struct bpf_insn *insn, const struct vreg *ptrp,
                          const struct vreg *offp)
{
    struct vreg *regs = v_cur_regs(env);
    struct vreg *dst = &regs[insn->dst_reg];
    const struct vreg ptr = *ptrp, off = *offp;
    bool off_is_dst = offp == dst;
    bool known = tnum_is_const(off.var_off);
    int64_t smin_val = off.smin, smax_val = off.smax, smin_ptr = ptr.smin, smax_ptr = ptr.smax;
    uint64_t umin_val = off.umin, umax_val = off.umax, umin_ptr = ptr.umin, umax_ptr = ptr.umax;
    uint8_t op = BPF_OP(insn->code);
    uint32_t d = insn->dst_reg;

    if ((known && (smin_val != smax_val || umin_val != umax_val)) || smin_val > smax_val ||
        umin_val > umax_val) {
        v_mark_reg_unknown(env, dst);
        return 0;
    }
    if (BPF_CLASS(insn->code) != BPF_ALU64) {
        if (op == BPF_SUB && env->allow_ptr_leaks) {
            v_mark_reg_unknown(env, dst);
            return 0;
        }
        return v_err(env, -EACCES, "R%u 32-bit pointer arithmetic prohibited\n", d);
    }
    if (ptr.type & PTR_MAYBE_NULL)
        return v_err(env, -EACCES, "R%u pointer arithmetic on %s prohibited, null-check it first\n",
                     d, v_type_str(ptr.type));
    switch (base_type(ptr.type)) {
    case PTR_TO_CTX: case PTR_TO_MAP_VALUE: case PTR_TO_MAP_KEY: case PTR_TO_STACK:
    case PTR_TO_PACKET_META: case PTR_TO_PACKET: case PTR_TO_MEM: case PTR_TO_FUNC:
        break;
    case CONST_PTR_TO_MAP:
        if (known && smin_val == 0 && op == BPF_ADD)
            break;
        /* fall through */
    default:
        return v_err(env, -EACCES, "R%u pointer arithmetic on %s prohibited\n", d,
                     v_type_str(ptr.type));
    }
    dst->type = ptr.type;
    dst->id = ptr.id;
    int err;
    if (!check_reg_sane_offset(env, &off, ptr.type, &err) ||
        !check_reg_sane_offset(env, &ptr, ptr.type, &err))
        return err;
    v_mark_reg32_unbounded(dst);
    bool sanitize = op == BPF_ADD || op == BPF_SUB, var_add = false;
    struct san_info sinfo = {0, 0, false};
    if (sanitize) {
        int reason = sanitize_ptr_alu(env, insn, ptrp, offp, dst, &sinfo, false);
        if (reason < 0)
            return reason;
        if (reason)
            return sanitize_err(env, insn, reason, off_is_dst);
    }
    switch (op) {
    case BPF_ADD:
        var_add = !(known && (int64_t)ptr.off + smin_val ==
                                 (int64_t)(int32_t)((int64_t)ptr.off + smin_val));
        if (!var_add) {
            dst->smin = smin_ptr;
            dst->smax = smax_ptr;
            dst->umin = umin_ptr;
            dst->umax = umax_ptr;
            dst->var_off = ptr.var_off;
            dst->off = (int32_t)(ptr.off + smin_val);
        } else {
            if (__builtin_add_overflow(smin_ptr, smin_val, &dst->smin) ||
                __builtin_add_overflow(smax_ptr, smax_val, &dst->smax)) {
                dst->smin = INT64_MIN;
                dst->smax = INT64_MAX;
            }
            if (__builtin_add_overflow(umin_ptr, umin_val, &dst->umin) ||
                __builtin_add_overflow(umax_ptr, umax_val, &dst->umax)) {
                dst->umin = 0;
                dst->umax = UINT64_MAX;
            }
            dst->var_off = tnum_add(ptr.var_off, off.var_off);
            dst->off = ptr.off;
        }
        dst->range = ptr.range;
        dst->map_idx = ptr.map_idx;
        dst->mem_size = ptr.mem_size;
        dst->subprogno = ptr.subprogno;
        dst->frameno = ptr.frameno;
        dst->ref_obj_id = ptr.ref_obj_id;
        if (var_add && (v_reg_is_pkt_pointer(&ptr) || ptr.type == PTR_TO_PACKET_META)) {
            /* a new variable offset: a new packet pointer, nothing proven */
            dst->id = ++env->id_gen;
            dst->range = 0;
        }
        break;
    case BPF_SUB:
        if (off_is_dst)
            return v_err(env, -EACCES, "R%u tried to subtract pointer from scalar\n", d);
        if (ptr.type == PTR_TO_STACK)
            return v_err(env, -EACCES, "R%u subtraction from stack pointer prohibited\n", d);
        dst->range = ptr.range;
        dst->map_idx = ptr.map_idx;
        dst->mem_size = ptr.mem_size;
        dst->subprogno = ptr.subprogno;
        dst->frameno = ptr.frameno;
        dst->ref_obj_id = ptr.ref_obj_id;
        if (known && (int64_t)ptr.off - smin_val == (int64_t)(int32_t)((int64_t)ptr.off - smin_val)) {
            dst->smin = smin_ptr;
            dst->smax = smax_ptr;
            dst->umin = umin_ptr;
            dst->umax = umax_ptr;
            dst->var_off = ptr.var_off;
            dst->id = ptr.id;
            dst->off = (int32_t)(ptr.off - smin_val);
            break;
        }
        if (__builtin_sub_overflow(smin_ptr, smax_val, &dst->smin) ||
            __builtin_sub_overflow(smax_ptr, smin_val, &dst->smax)) {
            dst->smin = INT64_MIN;
            dst->smax = INT64_MAX;
        }
        if (umin_ptr < umax_val) {
            dst->umin = 0;
            dst->umax = UINT64_MAX;
        } else {
            dst->umin = umin_ptr - umax_val;
            dst->umax = umax_ptr - umin_val;
        }
        dst->var_off = tnum_sub(ptr.var_off, off.var_off);
        dst->off = ptr.off;
        if (v_reg_is_pkt_pointer(&ptr) || ptr.type == PTR_TO_PACKET_META) {
            dst->id = ++env->id_gen;
            if (smin_val < 0)
                dst->range = 0;
        }
        break;
    case BPF_AND: case BPF_OR: case BPF_XOR:
        return v_err(env, -EACCES, "R%u bitwise operator %s on pointer prohibited\n", d,
                     alu_str[op >> 4]);
    default:
        return v_err(env, -EACCES, "R%u pointer arithmetic with %s operator prohibited\n", d,
                     alu_str[op >> 4]);
    }
    if (!check_reg_sane_offset(env, dst, ptr.type, &err))
        return err;
    v_reg_bounds_sync(dst);
    int b = sanitize_check_bounds(env, insn, dst);
    if (b == -EACCES)
        return b;
    if (sanitize) {
        int reason = sanitize_ptr_alu(env, insn, dst, offp == dst ? &off : offp, dst, &sinfo,
                                      true);
        if (reason < 0)
            return reason;
        if (reason)
            return sanitize_err(env, insn, reason, off_is_dst);
    }
    return 0;
}

/* Two's-state fork of `dst &= K` / `dst |= K` when dst is in [-1, 0]
 * (maybe_fork_scalars): the pushed path re-executes the insn with dst 0. */
static int maybe_fork_scalars(struct venv *env, const struct bpf_insn *insn, struct vreg *dst)
{
    bool alu32;
    if (dst->smin == -1 && dst->smax == 0)
        alu32 = false;
    else if (dst->s32_min == -1 && dst->s32_max == 0)
        alu32 = true;
    else
        return 0;
    struct vstate *branch;
    int rc = v_push_stack(env, env->insn_idx, (int32_t)env->insn_idx, false, &branch);
    if (rc)
        return rc;
    struct vreg *br = &branch->frame[branch->curframe]->regs[insn->dst_reg];
    if (alu32) {
        br->var_off = tnum_const_subreg(br->var_off, 0);
        br->s32_min = br->s32_max = 0;
        br->u32_min = br->u32_max = 0;
        dst->var_off = tnum_const_subreg(dst->var_off, UINT32_MAX);
        dst->s32_min = dst->s32_max = -1;
        dst->u32_min = dst->u32_max = UINT32_MAX;
    } else {
        v_mark_reg_known(br, 0);
        v_mark_reg_known(dst, UINT64_MAX);
    }
    return 0;
}

static int adjust_reg_alu(struct venv *env, const struct bpf_insn *insn)
{
    struct vreg *regs = v_cur_regs(env);
    struct vreg *dst = &regs[insn->dst_reg], *src, off_reg;
    bool alu32 = BPF_CLASS(insn->code) != BPF_ALU64;
    uint8_t op = BPF_OP(insn->code);
    struct vreg *ptr = dst->type != SCALAR_VALUE ? dst : NULL;

    if (BPF_SRC(insn->code) == BPF_X) {
        src = &regs[insn->src_reg];
        if (src->type != SCALAR_VALUE) {
            if (dst->type != SCALAR_VALUE) {
                if (op == BPF_SUB && env->allow_ptr_leaks) {
                    v_mark_reg_unknown(env, dst);
                    return 0;
                }
                return v_err(env, -EACCES, "R%u pointer %s pointer prohibited\n", insn->dst_reg,
                             alu_str[op >> 4]);
            }
            /* scalar += pointer: the scalar is an offset, its value matters */
            int rc = v_mark_chain_precision(env, insn->dst_reg);
            return rc ? rc : adjust_ptr_alu(env, insn, src, dst);
        }
        if (ptr) {
            int rc = v_mark_chain_precision(env, insn->src_reg);
            return rc ? rc : adjust_ptr_alu(env, insn, dst, src);
        }
    } else {
        memset(&off_reg, 0, sizeof(off_reg));
        off_reg.type = SCALAR_VALUE;
        v_mark_reg_known(&off_reg, (uint64_t)(int64_t)insn->imm);
        src = &off_reg;
        if (ptr)
            return adjust_ptr_alu(env, insn, dst, src);
    }
    if ((op == BPF_AND || op == BPF_OR) && tnum_is_const(src->var_off)) {
        int rc = maybe_fork_scalars(env, insn, dst);
        if (rc)
            return rc;
    }
    /* for a 32-bit link the destination's upper half must be zero
     * before the add, so the bound is taken before it */
    uint64_t dst_umax = dst->umax;
    struct vreg srcv = *src;
    v_scalar_alu(env, insn, dst, &srcv);
    /* rX = rY + K (or - K) stays linked to rY with the delta K; not
     * rX += rX, whose source the add has already changed */
    if (env->bpf_capable && (op == BPF_ADD || op == BPF_SUB) && dst->id &&
        v_reg_is_const(&srcv, alu32) &&
        !(BPF_SRC(insn->code) == BPF_X && insn->src_reg == insn->dst_reg)) {
        uint64_t val = v_reg_const(&srcv, alu32);
        int32_t off = (int32_t)val;
        bool keep = alu32 ? dst_umax <= UINT32_MAX : (int64_t)val == (int32_t)val;
        if (keep && op == BPF_SUB) {
            keep = off != INT32_MIN; /* -S32_MIN overflows */
            off = keep ? -off : 0;
        }
        if (!keep || (dst->id & V_ADD_CONST)) {
            dst->off = 0;
            dst->id = 0;
        } else {
            dst->id |= alu32 ? V_ADD_CONST32 : V_ADD_CONST64;
            dst->off = off;
        }
    } else {
        dst->id = 0;
        if (dst->type == SCALAR_VALUE)
            dst->off = 0;
    }
    return 0;
}

int v_check_alu_op(struct venv *env, const struct bpf_insn *insn)
{
    struct vreg *regs = v_cur_regs(env);
    uint8_t op = BPF_OP(insn->code);
    bool x = BPF_SRC(insn->code) == BPF_X, alu64 = BPF_CLASS(insn->code) == BPF_ALU64;
    int rc;

    if (op == BPF_END || op == BPF_NEG) {
        if (op == BPF_NEG) {
            if (x || insn->src_reg || insn->off || insn->imm)
                return v_err(env, -EINVAL, "BPF_NEG uses reserved fields\n");
        } else if (insn->src_reg || insn->off ||
                   (insn->imm != 16 && insn->imm != 32 && insn->imm != 64) || (alu64 && x)) {
            return v_err(env, -EINVAL, "BPF_END uses reserved fields\n");
        }
        if ((rc = v_check_reg_arg(env, insn->dst_reg, true)))
            return rc;
        if (v_is_pointer_value(env, &regs[insn->dst_reg]))
            return v_err(env, -EACCES, "R%u pointer arithmetic prohibited\n", insn->dst_reg);
        if (regs[insn->dst_reg].type == SCALAR_VALUE) {
            if ((rc = v_check_reg_arg(env, insn->dst_reg, false)))
                return rc;
            struct vreg *d = &regs[insn->dst_reg];
            if (op == BPF_END) {
                v_scalar_byte_swap(d, insn);
                return 0;
            }
            struct vreg s = *d;
            v_scalar_alu(env, insn, d, &s);
            d->id = 0;
            d->off = 0;
            return 0;
        }
        return v_check_reg_dst(env, insn->dst_reg);
    }
    if (op == BPF_MOV) {
        if (x) {
            if (!alu64) {
                if ((insn->off != 0 && insn->off != 8 && insn->off != 16) || insn->imm)
                    return v_err(env, -EINVAL, "BPF_MOV uses reserved fields\n");
            } else if (insn->off == 1) {
                if (insn->imm != 1 && insn->imm != 1 << 16)
                    return v_err(env, -EINVAL,
                                 "addr_space_cast insn can only convert between address space 1 and 0\n");
                return v_err(env, -EINVAL,
                             "addr_space_cast insn can only be used in a program that has an associated arena\n");
            } else if ((insn->off != 0 && insn->off != 8 && insn->off != 16 && insn->off != 32) ||
                       insn->imm) {
                return v_err(env, -EINVAL, "BPF_MOV uses reserved fields\n");
            }
            if ((rc = v_check_reg_arg(env, insn->src_reg, true)))
                return rc;
        } else if (insn->src_reg || insn->off) {
            return v_err(env, -EINVAL, "BPF_MOV uses reserved fields\n");
        }
        if ((rc = v_check_reg_arg(env, insn->dst_reg, false)))
            return rc;
        struct vreg *d = &regs[insn->dst_reg];
        if (!x) {
            v_mark_reg_unknown(env, d);
            v_mark_reg_known(d, alu64 ? (uint64_t)(int64_t)insn->imm : (uint32_t)insn->imm);
            return 0;
        }
        struct vreg *s = &regs[insn->src_reg];
        if (alu64) {
            if (insn->off == 0) {
                assign_scalar_id_before_mov(env, s);
                *d = *s;
            } else if (v_is_pointer_value(env, s)) {
                return v_err(env, -EACCES, "R%u sign-extension part of pointer\n", insn->src_reg);
            } else if (s->type == SCALAR_VALUE) {
                bool no_sext = s->umax < (1ull << (insn->off - 1));
                if (no_sext)
                    assign_scalar_id_before_mov(env, s);
                *d = *s;
                if (!no_sext)
                    clear_scalar_id(d);
                v_coerce_reg_to_size_sx(d, insn->off >> 3);
            } else {
                v_mark_reg_unknown(env, d);
            }
            return 0;
        }
        if (v_is_pointer_value(env, s))
            return v_err(env, -EACCES, "R%u partial copy of pointer\n", insn->src_reg);
        if (s->type == SCALAR_VALUE) {
            if (insn->off == 0) {
                bool u32 = reg_width(s) <= 32;
                if (u32)
                    assign_scalar_id_before_mov(env, s);
                *d = *s;
                if (!u32)
                    clear_scalar_id(d);
            } else {
                bool no_sext = s->umax < (1ull << (insn->off - 1));
                if (no_sext)
                    assign_scalar_id_before_mov(env, s);
                *d = *s;
                if (!no_sext)
                    clear_scalar_id(d);
                v_coerce_subreg_to_size_sx(d, insn->off >> 3);
            }
        } else {
            v_mark_reg_unknown(env, d);
        }
        v_zext_32_to_64(d);
        v_reg_bounds_sync(d);
        return 0;
    }
    if (op > BPF_END)
        return v_err(env, -EINVAL, "invalid BPF_ALU opcode %x\n", op);

    bool bad_off = (insn->off != 0 && insn->off != 1) ||
                   (insn->off == 1 && op != BPF_MOD && op != BPF_DIV);
    if (x) {
        if (insn->imm != 0 || bad_off)
            return v_err(env, -EINVAL, "BPF_ALU uses reserved fields\n");
        if ((rc = v_check_reg_arg(env, insn->src_reg, true)))
            return rc;
    } else if (insn->src_reg != 0 || bad_off) {
        return v_err(env, -EINVAL, "BPF_ALU uses reserved fields\n");
    }
    if ((rc = v_check_reg_arg(env, insn->dst_reg, true)))
        return rc;
    if ((op == BPF_MOD || op == BPF_DIV) && !x && insn->imm == 0)
        return v_err(env, -EINVAL, "div by zero\n");
    if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && !x) {
        int size = alu64 ? 64 : 32;
        if (insn->imm < 0 || insn->imm >= size)
            return v_err(env, -EINVAL, "invalid shift %d\n", insn->imm);
    }
    if ((rc = v_check_reg_arg(env, insn->dst_reg, false)))
        return rc;
    return adjust_reg_alu(env, insn);
}
