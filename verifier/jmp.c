/* verifier/jmp.c - conditional jumps (the kernel's check_cond_jmp_op): the
 * branch decided when the operands allow (is_branch_taken, with the
 * mispredicted side explored speculatively for !root), otherwise both
 * successors refined: scalar bounds, linked scalars, null checks of
 * maybe-null pointers (by id), packet ranges proven against data_end. */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <string.h>

/* ------------------------------------------------------------ jumps */

#define LINKED_MAX 6 /* LINKED_REGS_MAX */

/* Scalars sharing an id with a compared register, as positions (frame,
 * register or stack slot) valid in both successors' states. */
struct linked {
    struct {
        uint8_t frame, is_reg, idx;
    } e[LINKED_MAX];
    unsigned n;
};

static struct vreg *linked_reg(struct vstate *st, const struct linked *l, unsigned i)
{
    struct vframe *f = st->frame[l->e[i].frame];
    return l->e[i].is_reg ? &f->regs[l->e[i].idx] : &f->stack[l->e[i].idx].spilled;
}

static void linked_add(struct linked *l, const struct vreg *r, uint32_t id, uint32_t frame,
                       bool is_reg, uint32_t idx)
{
    if (l->n >= LINKED_MAX || r->type != SCALAR_VALUE || (r->id & ~V_ADD_CONST) != id)
        return;
    for (unsigned i = 0; i < l->n; i++)
        if (l->e[i].frame == frame && l->e[i].is_reg == is_reg && l->e[i].idx == idx)
            return;
    l->e[l->n].frame = (uint8_t)frame;
    l->e[l->n].is_reg = is_reg;
    l->e[l->n].idx = (uint8_t)idx;
    l->n++;
}

/* collect_linked_regs: live registers and spilled scalars with `id`. */
static void collect_linked_regs(struct venv *env, struct vstate *st, uint32_t id,
                                struct linked *l)
{
    id &= ~V_ADD_CONST;
    for (int32_t i = (int32_t)st->curframe; i >= 0; i--) {
        uint32_t at = (uint32_t)i == st->curframe ? env->insn_idx
                                                  : (uint32_t)st->frame[i + 1]->callsite;
        uint16_t live = env->aux[at].live_regs_before;
        struct vframe *f = st->frame[i];
        for (uint32_t j = 0; j < V_REG_FP; j++)
            if (live & (1u << j))
                linked_add(l, &f->regs[j], id, (uint32_t)i, true, j);
        for (uint32_t j = 0; j < f->allocated / 8; j++)
            if (f->stack[j].type[7] == STACK_SPILL)
                linked_add(l, &f->stack[j].spilled, id, (uint32_t)i, false, j);
    }
}

/* sync_linked_regs: every linked scalar learns known's bounds (plus its
 * constant delta for "rX = rY + K" links). A link made by a 32-bit add
 * (V_ADD_CONST32) holds only for the low halves, so the result is
 * zero-extended when either side has one, and a 32-bit link never syncs
 * with a 64-bit one: their deltas are not comparable. */
static void sync_linked_regs(struct vstate *st, const struct vreg *known, const struct linked *l)
{
    for (unsigned i = 0; i < l->n; i++) {
        struct vreg *r = linked_reg(st, l, i);
        if (r->type != SCALAR_VALUE || r == known)
            continue;
        if ((r->id & ~V_ADD_CONST) != (known->id & ~V_ADD_CONST))
            continue;
        if (((r->id ^ known->id) & V_ADD_CONST) == V_ADD_CONST)
            continue;
        if ((!(r->id & V_ADD_CONST) && !(known->id & V_ADD_CONST)) || r->off == known->off) {
            *r = *known;
        } else {
            int32_t saved_off = r->off;
            uint32_t keep_id = r->id;
            struct vreg delta;
            memset(&delta, 0, sizeof(delta));
            delta.type = SCALAR_VALUE;
            v_mark_reg_known(&delta, (uint64_t)((int64_t)saved_off - (int64_t)known->off));
            *r = *known;
            bool prec = r->precise;
            /* reg = known + delta, without an ALU op's id reset: the
             * 64-bit add, or the 32-bit one's zero extension, then the
             * bounds synced, the kernel's order */
            bool zext = (keep_id | known->id) & V_ADD_CONST32;
            struct bpf_insn add = {.code = (zext ? BPF_ALU : BPF_ALU64) | BPF_ADD | BPF_X};
            v_scalar_alu(NULL, &add, r, &delta);
            r->id = keep_id;
            r->off = saved_off;
            r->precise = prec;
        }
    }
}

static bool reg_not_null(const struct vreg *r)
{
    if (type_may_be_null(r->type))
        return false;
    uint32_t t = base_type(r->type);
    return t == PTR_TO_MAP_VALUE || t == PTR_TO_MAP_KEY || t == PTR_TO_MEM ||
           t == CONST_PTR_TO_MAP || t == PTR_TO_SOCK_COMMON || t == PTR_TO_SOCKET ||
           t == PTR_TO_TCP_SOCK;
}

static int pkt_ptr_branch_taken(const struct vreg *dst, const struct vreg *src, uint8_t op)
{
    const struct vreg *pkt;
    if (src->type == PTR_TO_PACKET_END) {
        pkt = dst;
    } else if (dst->type == PTR_TO_PACKET_END) {
        pkt = src;
        op = v_flip_opcode(op);
    } else {
        return -1;
    }
    if (pkt->range >= 0)
        return -1;
    switch (op) {
    case BPF_JLE:
    case BPF_JGT:
        if (pkt->range == V_BEYOND_PKT_END)
            return op == BPF_JGT;
        break;
    case BPF_JLT:
    case BPF_JGE:
        if (pkt->range == V_BEYOND_PKT_END || pkt->range == V_AT_PKT_END)
            return op == BPF_JGE;
        break;
    }
    return -1;
}

static int is_branch_taken(const struct vreg *r1, const struct vreg *r2, uint8_t op, bool is32)
{
    if (v_reg_is_pkt_pointer_any(r1) && v_reg_is_pkt_pointer_any(r2) && !is32)
        return pkt_ptr_branch_taken(r1, r2, op);
    if (v_is_pointer(r1) || v_is_pointer(r2)) {
        if (!v_reg_is_const(r2, is32)) {
            op = v_flip_opcode(op);
            const struct vreg *t = r1;
            r1 = r2;
            r2 = t;
        }
        if (!v_reg_is_const(r2, is32))
            return -1;
        if (!reg_not_null(r1))
            return -1;
        if (v_reg_const(r2, is32) != 0)
            return -1;
        return op == BPF_JEQ ? 0 : op == BPF_JNE ? 1 : -1;
    }
    return v_branch_taken(r1, r2, op, is32);
}

static void mark_not_null(struct vreg *r)
{
    r->type &= ~PTR_MAYBE_NULL;
}

/* mark_ptr_or_null_reg(s): every register and spilled slot with `id`
 * becomes the non-null pointer, or the scalar 0. */

static void mark_ptr_or_null(struct venv *env, struct vstate *st, uint32_t id, bool is_null)
{
    for (uint32_t f = 0; f <= st->curframe; f++) {
        struct vframe *fr = st->frame[f];
        for (int i = 0; i < V_MAX_REG + V_SLOTS; i++) {
            struct vreg *r;
            if (i < V_MAX_REG) {
                r = &fr->regs[i];
            } else {
                struct vslot *s = &fr->stack[i - V_MAX_REG];
                if ((uint32_t)(i - V_MAX_REG) >= fr->allocated / 8 || s->type[7] != STACK_SPILL)
                    continue;
                r = &s->spilled;
            }
            if (!type_may_be_null(r->type) || r->id != id)
                continue;
            if (is_null) {
                /* the offset is known 0: the scalar 0 */
                r->type = SCALAR_VALUE;
                r->id = 0;
                r->ref_obj_id = 0;
                continue;
            }
            mark_not_null(r);
            r->id = 0;
        }
    }
    if (is_null) {
        /* a null reference was never acquired */
        for (uint32_t i = 0; i < st->n_refs; i++)
            if (st->refs[i].id == id) {
                st->refs[i] = st->refs[--st->n_refs];
                break;
            }
    }
}

/* find_good_pkt_pointers: every packet pointer sharing dst's id learns
 * that `range` bytes past its offset are inside the packet. */
static void find_good_pkt_pointers(struct vstate *st, const struct vreg *dst, uint32_t type,
                                   bool range_right_open)
{
    if (dst->off < 0 || (dst->off == 0 && range_right_open))
        return;
    if (dst->umax > V_MAX_PACKET_OFF || dst->umax + (uint64_t)(int64_t)dst->off > V_MAX_PACKET_OFF)
        return;
    int32_t new_range = dst->off;
    if (range_right_open)
        new_range++;
    for (uint32_t f = 0; f <= st->curframe; f++) {
        struct vframe *fr = st->frame[f];
        for (int i = 0; i < V_MAX_REG + V_SLOTS; i++) {
            struct vreg *r;
            if (i < V_MAX_REG) {
                r = &fr->regs[i];
            } else {
                struct vslot *s = &fr->stack[i - V_MAX_REG];
                if ((uint32_t)(i - V_MAX_REG) >= fr->allocated / 8 || s->type[7] != STACK_SPILL)
                    continue;
                r = &s->spilled;
            }
            if (r->type == type && r->id == dst->id)
                r->range = r->range > new_range ? r->range : new_range;
        }
    }
}

static void mark_pkt_end(struct vstate *st, uint32_t regno, bool range_open)
{
    struct vreg *r = &st->frame[st->curframe]->regs[regno];
    r->range = range_open ? V_BEYOND_PKT_END : V_AT_PKT_END;
}

/* reg_is_init_pkt_pointer: data as loaded from the ctx (a range it may
 * have proven since does not matter). */
static bool is_init_pkt_pointer(const struct vreg *r)
{
    return r->type == PTR_TO_PACKET && r->id == 0 && r->off == 0 &&
           tnum_equals_const(r->var_off, 0);
}

/* try_match_pkt_pointers: `pkt op pkt_end` proves a range. */
static bool try_match_pkt_pointers(const struct bpf_insn *insn, const struct vreg *dst,
                                   const struct vreg *src, struct vstate *this_b,
                                   struct vstate *other_b)
{
    if (BPF_SRC(insn->code) != BPF_X || BPF_CLASS(insn->code) == BPF_JMP32)
        return false;
    uint8_t op = BPF_OP(insn->code);
    /* Two pairs prove a range: pkt' against pkt_end, and pkt_meta'
     * against the packet's start (data itself, not advanced). pkt_meta'
     * against pkt_end proves nothing: the kernel leaves both branches
     * as they are, so the meta pointer keeps r=0. */
    bool dst_pkt = (dst->type == PTR_TO_PACKET && src->type == PTR_TO_PACKET_END) ||
                   (dst->type == PTR_TO_PACKET_META && is_init_pkt_pointer(src));
    bool src_end = dst_pkt;
    bool dst_end = (dst->type == PTR_TO_PACKET_END && src->type == PTR_TO_PACKET) ||
                   (is_init_pkt_pointer(dst) && src->type == PTR_TO_PACKET_META);
    bool src_pkt = dst_end;
    switch (op) {
    case BPF_JGT:
        if (dst_pkt && src_end) {
            /* pkt_data' > pkt_end, pkt_meta' > pkt_data */
            find_good_pkt_pointers(this_b, dst, dst->type, false);
            mark_pkt_end(other_b, insn->dst_reg, true);
        } else if (dst_end && src_pkt) {
            /* pkt_end > pkt_data', pkt_data > pkt_meta' */
            find_good_pkt_pointers(other_b, src, src->type, true);
            mark_pkt_end(this_b, insn->src_reg, false);
        } else {
            return false;
        }
        break;
    case BPF_JLT:
        if (dst_pkt && src_end) {
            /* pkt_data' < pkt_end, pkt_meta' < pkt_data */
            find_good_pkt_pointers(other_b, dst, dst->type, true);
            mark_pkt_end(this_b, insn->dst_reg, false);
        } else if (dst_end && src_pkt) {
            /* pkt_end < pkt_data', pkt_data > pkt_meta' */
            find_good_pkt_pointers(this_b, src, src->type, false);
            mark_pkt_end(other_b, insn->src_reg, true);
        } else {
            return false;
        }
        break;
    case BPF_JGE:
        if (dst_pkt && src_end) {
            /* pkt_data' >= pkt_end, pkt_meta' >= pkt_data */
            find_good_pkt_pointers(this_b, dst, dst->type, true);
            mark_pkt_end(other_b, insn->dst_reg, false);
        } else if (dst_end && src_pkt) {
            /* pkt_end >= pkt_data', pkt_data >= pkt_meta' */
            find_good_pkt_pointers(other_b, src, src->type, false);
            mark_pkt_end(this_b, insn->src_reg, true);
        } else {
            return false;
        }
        break;
    case BPF_JLE:
        if (dst_pkt && src_end) {
            /* pkt_data' <= pkt_end, pkt_meta' <= pkt_data */
            find_good_pkt_pointers(other_b, dst, dst->type, false);
            mark_pkt_end(this_b, insn->dst_reg, true);
        } else if (dst_end && src_pkt) {
            /* pkt_end <= pkt_data', pkt_data <= pkt_meta' */
            find_good_pkt_pointers(this_b, src, src->type, true);
            mark_pkt_end(other_b, insn->src_reg, false);
        } else {
            return false;
        }
        break;
    default:
        return false;
    }
    return true;
}

int v_check_cond_jmp(struct venv *env, const struct bpf_insn *insn)
{
    uint8_t op = BPF_OP(insn->code);
    int rc;
    if (op == 0xe0) { /* BPF_JCOND: may_goto */
        /* TODO: may_goto needs the kernel's loop-depth state comparison */
        return v_err(env, -EINVAL, "may_goto is not supported by bpfemu's verifier yet\n");
    }
    if ((rc = v_check_reg_arg(env, insn->dst_reg, true)))
        return rc;
    struct vreg *regs = v_cur_regs(env);
    struct vreg *dst = &regs[insn->dst_reg], *src, fake;
    if (BPF_SRC(insn->code) == BPF_X) {
        if (insn->imm != 0)
            return v_err(env, -EINVAL, "BPF_JMP/JMP32 uses reserved fields\n");
        if ((rc = v_check_reg_arg(env, insn->src_reg, true)))
            return rc;
        src = &regs[insn->src_reg];
        if (!(v_reg_is_pkt_pointer_any(dst) && v_reg_is_pkt_pointer_any(src)) &&
            v_is_pointer_value(env, src))
            return v_err(env, -EACCES, "R%u pointer comparison prohibited\n", insn->src_reg);
    } else {
        if (insn->src_reg != 0)
            return v_err(env, -EINVAL, "BPF_JMP/JMP32 uses reserved fields\n");
        memset(&fake, 0, sizeof(fake));
        fake.type = SCALAR_VALUE;
        v_mark_reg_known(&fake, (uint64_t)(int64_t)insn->imm);
        src = &fake;
    }
    bool is32 = BPF_CLASS(insn->code) == BPF_JMP32;
    int pred = is_branch_taken(dst, src, op, is32);
    if (pred == 1 || pred == 0) {
        /* the decision relies on the scalars' values */
        if (dst->type == SCALAR_VALUE && (rc = v_mark_chain_precision(env, insn->dst_reg)))
            return rc;
        if (BPF_SRC(insn->code) == BPF_X && src->type == SCALAR_VALUE &&
            (rc = v_mark_chain_precision(env, insn->src_reg)))
            return rc;
        if (!env->bypass_spec_v1) {
            /* sanitize_speculative_path: the successor that cannot
             * happen is still explored, as a mispredicted branch would
             * run it, with the compared registers unknown */
            uint32_t other_idx = pred == 1 ? env->insn_idx + 1
                                           : (uint32_t)((int64_t)env->insn_idx + insn->off + 1);
            struct vstate *spec;
            if ((rc = v_push_stack(env, other_idx, (int32_t)env->insn_idx, true, &spec)))
                return rc;
            struct vreg *sregs = spec->frame[spec->curframe]->regs;
            v_mark_reg_unknown(env, &sregs[insn->dst_reg]);
            if (BPF_SRC(insn->code) == BPF_X)
                v_mark_reg_unknown(env, &sregs[insn->src_reg]);
        }
        v_print_insn_state(env, &env->cur, env->cur.curframe);
        if (pred == 1)
            env->insn_idx = (uint32_t)((int64_t)env->insn_idx + insn->off);
        return 0;
    }
    struct linked linked = {.n = 0};
    if (BPF_SRC(insn->code) == BPF_X && src->type == SCALAR_VALUE && src->id)
        collect_linked_regs(env, &env->cur, src->id, &linked);
    if (dst->type == SCALAR_VALUE && dst->id)
        collect_linked_regs(env, &env->cur, dst->id, &linked);
    if (linked.n > 1) {
        /* in the history before the fork, so both successors have it:
         * precision of one linked scalar is precision of all */
        struct vlinked_ent ents[V_LINKED_MAX];
        for (unsigned i = 0; i < linked.n && i < V_LINKED_MAX; i++) {
            ents[i].frame = linked.e[i].frame;
            ents[i].is_reg = linked.e[i].is_reg;
            ents[i].idx = linked.e[i].idx;
        }
        if ((rc = v_push_hist(env, 0, ents, linked.n)))
            return rc;
    }
    struct vstate *other;
    uint32_t target = (uint32_t)((int64_t)env->insn_idx + insn->off + 1);
    if ((rc = v_push_stack(env, target, (int32_t)env->insn_idx, false, &other)))
        return rc;
    regs = v_cur_regs(env);
    dst = &regs[insn->dst_reg];
    struct vreg *oregs = other->frame[other->curframe]->regs;
    if (BPF_SRC(insn->code) == BPF_X) {
        src = &regs[insn->src_reg];
        v_reg_set_min_max(&oregs[insn->dst_reg], &oregs[insn->src_reg], op, is32);
        v_reg_set_min_max(dst, src, v_rev_opcode(op), is32);
        if (src->type == SCALAR_VALUE && src->id) {
            sync_linked_regs(&env->cur, src, &linked);
            sync_linked_regs(other, &oregs[insn->src_reg], &linked);
        }
    } else {
        struct vreg f1 = fake, f2 = fake;
        v_reg_set_min_max(&oregs[insn->dst_reg], &f1, op, is32);
        v_reg_set_min_max(dst, &f2, v_rev_opcode(op), is32);
    }
    if (dst->type == SCALAR_VALUE && dst->id) {
        sync_linked_regs(&env->cur, dst, &linked);
        sync_linked_regs(other, &oregs[insn->dst_reg], &linked);
    }
    /* comparing a maybe-null pointer with a non-null one */
    if (!is32 && BPF_SRC(insn->code) == BPF_X && v_is_pointer(src) && v_is_pointer(dst) &&
        type_may_be_null(src->type) != type_may_be_null(dst->type)) {
        struct vreg *eq = op == BPF_JEQ ? oregs : op == BPF_JNE ? regs : NULL;
        if (eq) {
            uint32_t r = type_may_be_null(src->type) ? insn->src_reg : insn->dst_reg;
            mark_not_null(&eq[r]);
        }
    }
    if (!is32 && BPF_SRC(insn->code) == BPF_K && insn->imm == 0 &&
        (op == BPF_JEQ || op == BPF_JNE) && type_may_be_null(dst->type)) {
        uint32_t id = dst->id;
        mark_ptr_or_null(env, &env->cur, id, op == BPF_JNE);
        mark_ptr_or_null(env, other, id, op == BPF_JEQ);
    } else if (!try_match_pkt_pointers(insn, dst, BPF_SRC(insn->code) == BPF_X ? src : &fake,
                                       &env->cur, other) &&
               v_is_pointer_value(env, dst)) {
        return v_err(env, -EACCES, "R%u pointer comparison prohibited\n", insn->dst_reg);
    }
    v_print_insn_state(env, &env->cur, env->cur.curframe);
    return 0;
}
