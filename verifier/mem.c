/* verifier/mem.c - memory access (the kernel's check_mem_access and what it
 * calls): alignment, the stack with its slot states (spill and fill of
 * registers, MISC and ZERO bytes, uninitialised reads), ctx fields (rules in
 * ctx.c), map values and keys, packet data against the range proven by
 * comparisons with data_end, PTR_TO_MEM regions; and the helper-argument
 * form of these checks (check_helper_mem_access). */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool is_spillable(uint32_t type)
{
    switch (base_type(type)) {
    case PTR_TO_MAP_VALUE: case PTR_TO_STACK: case PTR_TO_CTX: case PTR_TO_PACKET:
    case PTR_TO_PACKET_META: case PTR_TO_PACKET_END: case CONST_PTR_TO_MAP: case PTR_TO_MEM:
    case PTR_TO_FUNC: case PTR_TO_MAP_KEY: case PTR_TO_SOCK_COMMON: case PTR_TO_SOCKET:
    case PTR_TO_TCP_SOCK:
        return true;
    default:
        return false;
    }
}

static bool is_spilled_reg(const struct vslot *s)
{
    return s->type[7] == STACK_SPILL;
}

static bool is_spilled_scalar(const struct vslot *s)
{
    return is_spilled_reg(s) && s->spilled.type == SCALAR_VALUE;
}

static bool register_is_null(const struct vreg *r)
{
    return r->type == SCALAR_VALUE && tnum_equals_const(r->var_off, 0);
}

static bool is_pointer_value(const struct venv *env, const struct vreg *r)
{
    return !env->allow_ptr_leaks && r->type != SCALAR_VALUE;
}

/* The frame a stack pointer points into. */
static struct vframe *reg_frame(struct venv *env, const struct vreg *r)
{
    return env->cur.frame[r->frameno <= env->cur.curframe ? r->frameno : env->cur.curframe];
}

/* var_off as the misaligned-access messages print it. */
static void var_off_str(const struct vreg *r, char *b, size_t n)
{
    if (tnum_is_const(r->var_off))
        snprintf(b, n, "%lld", (long long)r->var_off.value);
    else
        tnum_strn(b, n, r->var_off);
}

/* ------------------------------------------------------------ alignment */

static int check_ptr_alignment(struct venv *env, const struct vreg *r, int off, int size,
                               bool strict)
{
    const char *desc = "";
    char tn[48];
    switch (r->type) {
    case PTR_TO_PACKET:
    case PTR_TO_PACKET_META: {
        if (!strict || size == 1)
            return 0;
        int ip_align = 2;
        struct tnum ro = tnum_add(r->var_off, tnum_const((uint64_t)(int64_t)(ip_align + r->off + off)));
        if (!tnum_is_aligned(ro, (uint64_t)size)) {
            var_off_str(r, tn, sizeof(tn));
            return v_err(env, -EACCES, "misaligned packet access off %d+%s+%d+%d size %d\n",
                         ip_align, tn, r->off, off, size);
        }
        return 0;
    }
    case PTR_TO_MAP_KEY: desc = "key "; break;
    case PTR_TO_MAP_VALUE: desc = "value "; break;
    case PTR_TO_CTX: desc = "context "; break;
    case PTR_TO_STACK: desc = "stack "; strict = true; break;
    case PTR_TO_SOCK_COMMON: desc = "sock_common "; break;
    case PTR_TO_SOCKET: desc = "sock "; break;
    case PTR_TO_TCP_SOCK: desc = "tcp_sock "; break;
    default: break;
    }
    if (!strict || size == 1)
        return 0;
    struct tnum ro = tnum_add(r->var_off, tnum_const((uint64_t)(int64_t)(r->off + off)));
    if (!tnum_is_aligned(ro, (uint64_t)size)) {
        var_off_str(r, tn, sizeof(tn));
        return v_err(env, -EACCES, "misaligned %saccess off %s+%d+%d size %d\n", desc, tn, r->off,
                     off, size);
    }
    return 0;
}

/* ------------------------------------------------------- region checks */

static int mem_access_err(struct venv *env, uint32_t regno, int off, int size, uint32_t mem_size,
                          bool zero_ok)
{
    bool size_ok = size > 0 || (size == 0 && zero_ok);
    if (off >= 0 && size_ok && (uint64_t)off + (uint64_t)size <= mem_size)
        return 0;
    const struct vreg *r = &v_cur_regs(env)[regno];
    switch (r->type) {
    case PTR_TO_MAP_KEY:
        return v_err(env, -EACCES, "invalid access to map key, key_size=%u off=%d size=%d\n",
                     mem_size, off, size);
    case PTR_TO_MAP_VALUE:
        return v_err(env, -EACCES, "invalid access to map value, value_size=%u off=%d size=%d\n",
                     mem_size, off, size);
    case PTR_TO_PACKET:
    case PTR_TO_PACKET_META:
    case PTR_TO_PACKET_END:
        return v_err(env, -EACCES, "invalid access to packet, off=%d size=%d, R%u(id=%u,off=%d,r=%d)\n",
                     off, size, regno, r->id, off, (int)mem_size);
    default:
        return v_err(env, -EACCES, "invalid access to memory, mem_size=%u off=%d size=%d\n",
                     mem_size, off, size);
    }
}

static int check_mem_region_access(struct venv *env, uint32_t regno, int off, int size,
                                   uint32_t mem_size, bool zero_ok, bool quiet)
{
    const struct vreg *r = &v_cur_regs(env)[regno];
    int saved = env->log.level;
    char saved_err[sizeof(env->res->error)];
    if (quiet) {
        env->log.level = 0;
        memcpy(saved_err, env->res->error, sizeof(saved_err));
    }
    int rc = 0;
    if (r->smin < 0 && (r->smin == INT64_MIN ||
                        (int64_t)off + r->smin != (int64_t)(int32_t)((int64_t)off + r->smin) ||
                        r->smin + off < 0)) {
        rc = v_err(env, -EACCES,
                   "R%u min value is negative, either use unsigned index or do a if (index >=0) check.\n",
                   regno);
        goto out;
    }
    rc = mem_access_err(env, regno, (int)(r->smin + off), size, mem_size, zero_ok);
    if (rc) {
        if (!quiet)
            verbose(env, "R%u min value is outside of the allowed memory range\n", regno);
        goto out;
    }
    if (r->umax >= V_MAX_VAR_OFF) {
        rc = v_err(env, -EACCES,
                   "R%u unbounded memory access, make sure to bounds check any such access\n",
                   regno);
        goto out;
    }
    rc = mem_access_err(env, regno, (int)(r->umax + (uint64_t)(int64_t)off), size, mem_size,
                        zero_ok);
    if (rc && !quiet)
        verbose(env, "R%u max value is outside of the allowed memory range\n", regno);
out:
    if (quiet) {
        env->log.level = saved;
        memcpy(env->res->error, saved_err, sizeof(saved_err));
    }
    return rc;
}

int v_check_map_access(struct venv *env, uint32_t regno, int off, int size, bool zero_size_allowed,
                       bool quiet)
{
    const struct vreg *r = &v_cur_regs(env)[regno];
    const struct verifier_map *m = v_map(env, r->map_idx);
    return check_mem_region_access(env, regno, off, size, m ? m->value_size : 0,
                                   zero_size_allowed, quiet);
}

static int check_map_access_type(struct venv *env, uint32_t regno, int off, int size, int t)
{
    const struct vreg *r = &v_cur_regs(env)[regno];
    const struct verifier_map *m = v_map(env, r->map_idx);
    uint32_t flags = m ? m->flags : 0;
    if (t == V_WRITE && (flags & BPF_F_RDONLY_PROG))
        return v_err(env, -EACCES, "write into map forbidden, value_size=%u off=%d size=%d\n",
                     m->value_size, off + r->off, size);
    if (t == V_READ && (flags & BPF_F_WRONLY_PROG))
        return v_err(env, -EACCES, "read from map forbidden, value_size=%u off=%d size=%d\n",
                     m->value_size, off + r->off, size);
    return 0;
}

static bool may_access_direct_pkt_data(const struct venv *env, int t)
{
    switch (env->opts->prog_type) {
    case BPF_PROG_TYPE_LWT_IN:
    case BPF_PROG_TYPE_LWT_OUT:
    case BPF_PROG_TYPE_LWT_SEG6LOCAL:
    case BPF_PROG_TYPE_SK_REUSEPORT:
    case BPF_PROG_TYPE_FLOW_DISSECTOR:
    case BPF_PROG_TYPE_CGROUP_SKB:
        return t != V_WRITE;
    case BPF_PROG_TYPE_SCHED_CLS:
    case BPF_PROG_TYPE_SCHED_ACT:
    case BPF_PROG_TYPE_XDP:
    case BPF_PROG_TYPE_LWT_XMIT:
    case BPF_PROG_TYPE_SK_SKB:
    case BPF_PROG_TYPE_SK_MSG:
    case BPF_PROG_TYPE_CGROUP_SOCKOPT:
        return true;
    default:
        return false;
    }
}

static int check_packet_access(struct venv *env, uint32_t regno, int off, int size, bool zero_ok)
{
    const struct vreg *r = &v_cur_regs(env)[regno];
    if (r->smin < 0)
        return v_err(env, -EACCES,
                     "R%u min value is negative, either use unsigned index or do a if (index >=0) check.\n",
                     regno);
    int rc;
    if (r->range < 0) {
        /* the kernel prints only the second line here */
        rc = v_err(env, -EINVAL, "R%u offset is outside of the packet\n", regno);
        return rc;
    }
    rc = mem_access_err(env, regno, off, size, (uint32_t)r->range, zero_ok);
    if (rc)
        verbose(env, "R%u offset is outside of the packet\n", regno);
    return rc;
}

/* ------------------------------------------------------------- stack */

static int check_stack_access_within_bounds(struct venv *env, uint32_t regno, int off,
                                            int access_size, int t)
{
    const struct vreg *r = &v_cur_regs(env)[regno];
    struct vframe *f = reg_frame(env, r);
    const char *what = t == V_READ ? " read from" : " write to";
    int64_t min_off, max_off;
    if (tnum_is_const(r->var_off)) {
        min_off = (int64_t)r->var_off.value + off;
        max_off = min_off + access_size;
    } else {
        if (r->smax >= V_MAX_VAR_OFF || r->smin <= -V_MAX_VAR_OFF)
            return v_err(env, -EACCES, "invalid unbounded variable-offset%s stack R%u\n", what,
                         regno);
        min_off = r->smin + off;
        max_off = r->smax + off + access_size;
    }
    int64_t min_valid = (t == V_WRITE || env->allow_uninit_stack) ? -V_STACK
                                                                   : -(int64_t)f->allocated;
    int err = 0;
    if (min_off < min_valid || min_off > -1)
        err = -EACCES;
    else if (max_off > 0)
        err = -EINVAL;
    else if (access_size < 0)
        err = -EFAULT;
    if (err) {
        if (tnum_is_const(r->var_off))
            return v_err(env, err, "invalid%s stack R%u off=%d size=%d\n", what, regno, off,
                         access_size);
        char tn[48];
        tnum_strn(tn, sizeof(tn), r->var_off);
        return v_err(env, err, "invalid variable-offset%s stack R%u var_off=%s off=%d size=%d\n",
                     what, regno, tn, off, access_size);
    }
    return v_grow_stack(env, f, (int)-min_off);
}

static void mark_stack_slot_misc(uint8_t *t)
{
    if (*t == STACK_ZERO || *t == STACK_INVALID)
        return;
    *t = STACK_MISC;
}

static void scrub_spilled_slot(uint8_t *t)
{
    if (*t != STACK_INVALID)
        *t = STACK_MISC;
}

static void save_register_state(struct vframe *f, int spi, const struct vreg *r, int size)
{
    f->stack[spi].spilled = *r;
    int i;
    for (i = 8; i > 8 - size; i--)
        f->stack[spi].type[i - 1] = STACK_SPILL;
    for (; i; i--)
        mark_stack_slot_misc(&f->stack[spi].type[i - 1]);
}

static int check_stack_write_fixed_off(struct venv *env, struct vframe *f, int off, int size,
                                       int value_regno)
{
    int slot = -off - 1, spi = slot / 8;
    const struct bpf_insn *insn = &env->insns[env->insn_idx];
    bool is_st = BPF_CLASS(insn->code) == BPF_ST;
    struct vslot *s = &f->stack[spi];
    if (!env->allow_ptr_leaks && is_spilled_reg(s) && !is_spilled_scalar(s) && size != 8)
        return v_err(env, -EACCES, "attempt to corrupt spilled pointer on stack\n");
    struct vreg *r = value_regno >= 0 ? &v_cur_regs(env)[value_regno] : NULL;
    v_mark_slot_scratched(env, (uint32_t)spi);
    if (!(off % 8) && size == 8)
        v_mark_stack_written(f, (uint32_t)spi); /* the whole slot: older values dead */
    if (r && !(off % 8) && r->type == SCALAR_VALUE && env->bpf_capable) {
        bool fits = (int)(r->umax ? 64 - __builtin_clzll(r->umax) : 0) <= 8 * size;
        if (fits && !r->id && !tnum_is_const(r->var_off))
            r->id = ++env->id_gen;
        save_register_state(f, spi, r, size);
        if (!fits)
            s->spilled.id = 0;
    } else if (!r && !(off % 8) && is_st && env->bpf_capable) {
        struct vreg tmp;
        memset(&tmp, 0, sizeof(tmp));
        v_mark_reg_known(&tmp, (uint64_t)(int64_t)insn->imm);
        tmp.type = SCALAR_VALUE;
        save_register_state(f, spi, &tmp, size);
    } else if (r && is_spillable(r->type)) {
        if (size != 8)
            return v_err(env, -EACCES, "invalid size of register spill\n");
        if (f != v_cur_frame(env) && r->type == PTR_TO_STACK)
            return v_err(env, -EINVAL,
                         "cannot spill pointers to stack into stack frame of the caller\n");
        save_register_state(f, spi, r, size);
    } else {
        uint8_t type = STACK_MISC;
        s->spilled.type = NOT_INIT;
        if (is_spilled_reg(s))
            for (int i = 0; i < 8; i++)
                scrub_spilled_slot(&s->type[i]);
        if ((r && register_is_null(r)) || (!r && is_st && insn->imm == 0)) {
            /* STACK_ZERO is compared exactly when pruning, but the
             * register's zero must be kept precise to stay that */
            int rc = v_mark_chain_precision(env, value_regno);
            if (rc)
                return rc;
            type = STACK_ZERO;
        }
        for (int i = 0; i < size; i++)
            s->type[(slot - i) % 8] = type;
        return 0;
    }
    /* a register spill: backtracking follows the value through the slot */
    return v_push_hist(env, v_hist_stack_flags(f->frameno, (uint32_t)spi), NULL, 0);
}

/* A write through a stack pointer with a variable offset (root only). */
static int check_stack_write_var_off(struct venv *env, struct vframe *f, uint32_t ptr_regno,
                                     int off, int size, int value_regno)
{
    const struct vreg *ptr = &v_cur_regs(env)[ptr_regno];
    int min_off = (int)ptr->smin + off, max_off = (int)ptr->smax + off + size;
    const struct vreg *val = value_regno >= 0 ? &v_cur_regs(env)[value_regno] : NULL;
    const struct bpf_insn *insn = &env->insns[env->insn_idx];
    bool writing_zero = (val && register_is_null(val)) ||
                        (!val && BPF_CLASS(insn->code) == BPF_ST && insn->imm == 0);
    bool zero_used = false;
    for (int i = min_off; i < max_off; i++) {
        int slot = -i - 1, spi = slot / 8;
        struct vslot *s = &f->stack[spi];
        uint8_t *stype = &s->type[slot % 8];
        if (!env->allow_ptr_leaks && *stype != STACK_MISC && *stype != STACK_ZERO) {
            if (*stype == STACK_SPILL && s->spilled.type != SCALAR_VALUE)
                return v_err(env, -EACCES,
                             "spilled ptr in range of var-offset stack write; insn %u, ptr off: %d\n",
                             env->insn_idx, i);
        }
        s->spilled.type = NOT_INIT;
        uint8_t nt = STACK_MISC;
        if (writing_zero && *stype == STACK_ZERO) {
            nt = STACK_ZERO;
            zero_used = true;
        }
        if (*stype == STACK_INVALID && !env->allow_uninit_stack)
            return v_err(env, -EACCES,
                         "uninit stack in range of var-offset write prohibited for !root; insn %u, off: %d\n",
                         env->insn_idx, i);
        *stype = nt;
        v_mark_slot_scratched(env, (uint32_t)spi);
    }
    /* the zero kept slots STACK_ZERO: the value written must stay zero */
    if (zero_used)
        return v_mark_chain_precision(env, value_regno);
    return 0;
}

static void mark_reg_stack_read(struct venv *env, struct vframe *pf, int min_off, int max_off,
                                uint32_t dst_regno)
{
    int zeros = 0;
    for (int i = min_off; i < max_off; i++) {
        int slot = -i - 1, spi = slot / 8;
        v_mark_slot_scratched(env, (uint32_t)spi);
        if (pf->stack[spi].type[slot % 8] != STACK_ZERO)
            break;
        zeros++;
    }
    struct vreg *d = &v_cur_regs(env)[dst_regno];
    if (zeros == max_off - min_off)
        v_mark_reg_const_zero(env, d);
    else
        v_mark_reg_unknown(env, d);
}

/* A read of `size` bytes at `off` from a slot holding a narrow spill:
 * each byte spilled, data or zero (counted), or uninitialised where that
 * is allowed. */
static int narrow_fill_bytes(struct venv *env, const uint8_t *stype, int slot, int off, int size,
                             int *spill_cnt, int *zero_cnt)
{
    *spill_cnt = *zero_cnt = 0;
    for (int i = 0; i < size; i++) {
        uint8_t type = stype[(slot - i) % 8];
        if (type == STACK_SPILL) {
            (*spill_cnt)++;
            continue;
        }
        if (type == STACK_MISC)
            continue;
        if (type == STACK_ZERO) {
            (*zero_cnt)++;
            continue;
        }
        if (type == STACK_INVALID && env->allow_uninit_stack)
            continue;
        return v_err(env, -EACCES, "invalid read from stack off %d+%d size %d\n", off, i, size);
    }
    return 0;
}

static int check_stack_read_fixed_off(struct venv *env, struct vframe *f, int off, int size,
                                      int dst_regno)
{
    int slot = -off - 1, spi = slot / 8;
    struct vslot *s = &f->stack[spi];
    uint8_t *stype = s->type;
    struct vreg *spilled = &s->spilled;
    struct vreg *regs = v_cur_regs(env);
    bool restored = false;
    v_mark_slot_scratched(env, (uint32_t)spi);
    v_mark_stack_read(env, f, (uint32_t)spi);
    if (is_spilled_reg(s)) {
        int spill_size = 1;
        for (int i = 7; i > 0 && stype[i - 1] == STACK_SPILL; i--)
            spill_size++;
        if (size != 8 || spill_size != 8) {
            if (spilled->type != SCALAR_VALUE)
                return v_err(env, -EACCES, "invalid size of register fill\n");
            if (dst_regno < 0) {
                /* nothing loaded (an atomic's read), but the bytes beside
                 * a narrow spill must still be initialised: this kernel
                 * (6.18.44-fc-v1300) checks them too */
                int spill_cnt, zero_cnt;
                return narrow_fill_bytes(env, stype, slot, off, size, &spill_cnt, &zero_cnt);
            }
            /* bpf_stack_narrow_access_ok: little endian, the low bytes */
            bool narrow_ok = size <= spill_size && (off % 8) == 0;
            if (narrow_ok) {
                unsigned width = spilled->umax ? 64u - (unsigned)__builtin_clzll(spilled->umax) : 0;
                if (env->bpf_capable && size == 4 && spill_size == 4 && width <= 32 &&
                    !spilled->id && !tnum_is_const(spilled->var_off))
                    spilled->id = ++env->id_gen;
                regs[dst_regno] = *spilled;
                if (width > (unsigned)size * 8) {
                    regs[dst_regno].id = 0;
                    regs[dst_regno].off = 0;
                }
                restored = true;
            } else {
                int spill_cnt, zero_cnt;
                int rc = narrow_fill_bytes(env, stype, slot, off, size, &spill_cnt, &zero_cnt);
                if (rc)
                    return rc;
                if (spill_cnt == size && tnum_is_const(spilled->var_off) &&
                    spilled->var_off.value == 0) {
                    v_mark_reg_const_zero(env, &regs[dst_regno]);
                    restored = true; /* the spilled zero, a fill */
                } else if (zero_cnt == size)
                    v_mark_reg_const_zero(env, &regs[dst_regno]);
                else
                    v_mark_reg_unknown(env, &regs[dst_regno]);
            }
        } else if (dst_regno >= 0) {
            if (env->bpf_capable && spilled->type == SCALAR_VALUE && !spilled->id &&
                !tnum_is_const(spilled->var_off))
                spilled->id = ++env->id_gen;
            regs[dst_regno] = *spilled;
            restored = true;
        } else if (is_pointer_value(env, spilled)) {
            return v_err(env, -EACCES, "leaking pointer from stack off %d\n", off);
        } else {
            restored = true;
        }
    } else {
        for (int i = 0; i < size; i++) {
            uint8_t type = stype[(slot - i) % 8];
            if (type == STACK_MISC || type == STACK_ZERO)
                continue;
            if (type == STACK_INVALID && env->allow_uninit_stack)
                continue;
            return v_err(env, -EACCES, "invalid read from stack off %d+%d size %d\n", off, i,
                         size);
        }
        if (dst_regno >= 0)
            mark_reg_stack_read(env, f, off, off + size, (uint32_t)dst_regno);
    }
    /* a register restored from its spill: backtracking follows it */
    if (restored)
        return v_push_hist(env, v_hist_stack_flags(f->frameno, (uint32_t)spi), NULL, 0);
    return 0;
}

/* check_stack_range_initialized: [off, off+size) of the stack readable
 * (helper arguments, variable-offset reads); write: a helper fills it. */
static int stack_range_initialized(struct venv *env, uint32_t regno, int off, int access_size,
                                   bool zero_ok, bool write, bool raw_mode)
{
    const struct vreg *r = &v_cur_regs(env)[regno];
    struct vframe *f = reg_frame(env, r);
    if (access_size == 0 && !zero_ok)
        return v_err(env, -EACCES, "invalid zero-sized read\n");
    int rc = check_stack_access_within_bounds(env, regno, off, access_size,
                                              write ? V_WRITE : V_READ);
    if (rc)
        return rc;
    int min_off, max_off;
    if (tnum_is_const(r->var_off)) {
        min_off = max_off = (int)r->var_off.value + off;
    } else {
        if (!env->bypass_spec_v1) {
            char tn[48];
            tnum_strn(tn, sizeof(tn), r->var_off);
            return v_err(env, -EACCES,
                         "R%u variable offset stack access prohibited for !root, var_off=%s\n",
                         regno, tn);
        }
        raw_mode = false;
        min_off = (int)r->smin + off;
        max_off = (int)r->smax + off;
    }
    if (raw_mode) {
        /* the helper writes: the bytes become MISC (check_helper_call's
         * byte-wise write simulation) */
        for (int i = min_off; i < max_off + access_size; i++) {
            int slot = -i - 1, spi = slot / 8;
            struct vslot *s = &f->stack[spi];
            /* the kernel writes byte by byte (check_stack_write): one
             * byte of a spilled pointer is a corruption without leaks */
            if (!env->allow_ptr_leaks && is_spilled_reg(s) && s->spilled.type != SCALAR_VALUE)
                return v_err(env, -EACCES, "attempt to corrupt spilled pointer on stack\n");
            if (is_spilled_reg(s)) {
                s->spilled.type = NOT_INIT;
                for (int j = 0; j < 8; j++)
                    scrub_spilled_slot(&s->type[j]);
            }
            s->type[slot % 8] = STACK_MISC;
            v_mark_slot_scratched(env, (uint32_t)spi);
        }
        return 0;
    }
    for (int i = min_off; i < max_off + access_size; i++) {
        int slot = -i - 1, spi = slot / 8;
        if ((int)f->allocated <= slot)
            return v_err(env, -EFAULT, "allocated_stack too small\n");
        struct vslot *s = &f->stack[spi];
        uint8_t *stype = &s->type[slot % 8];
        v_mark_stack_read(env, f, (uint32_t)spi);
        if (*stype == STACK_MISC)
            continue;
        if (*stype == STACK_ZERO || (*stype == STACK_INVALID && env->allow_uninit_stack)) {
            if (write)
                *stype = STACK_MISC;
            continue;
        }
        /* only the spilled bytes themselves: the uninitialised bytes
         * beside a narrow spill (fp-8=????0000) stay unreadable without
         * allow_uninit_stack, as on this kernel (6.18.44-fc-v1300) */
        if (is_spilled_reg(s) && *stype == STACK_SPILL &&
            (s->spilled.type == SCALAR_VALUE || env->allow_ptr_leaks)) {
            if (write) {
                v_mark_reg_unknown(env, &s->spilled);
                for (int j = 0; j < 8; j++)
                    scrub_spilled_slot(&s->type[j]);
            }
            continue;
        }
        if (tnum_is_const(r->var_off))
            return v_err(env, -EACCES, "invalid read from stack R%u off %d+%d size %d\n", regno,
                         min_off, i - min_off, access_size);
        char tn[48];
        tnum_strn(tn, sizeof(tn), r->var_off);
        return v_err(env, -EACCES, "invalid read from stack R%u var_off %s+%d size %d\n", regno,
                     tn, i - min_off, access_size);
    }
    return 0;
}

static int check_stack_read(struct venv *env, uint32_t ptr_regno, int off, int size,
                            int dst_regno)
{
    const struct vreg *r = &v_cur_regs(env)[ptr_regno];
    struct vframe *f = reg_frame(env, r);
    if (tnum_is_const(r->var_off))
        return check_stack_read_fixed_off(env, f, off + (int)r->var_off.value, size, dst_regno);
    int rc = stack_range_initialized(env, ptr_regno, off, size, false, false, false);
    if (rc)
        return rc;
    mark_reg_stack_read(env, f, (int)r->smin + off, (int)r->smax + off + size,
                        (uint32_t)dst_regno);
    return 0;
}

static int check_stack_write(struct venv *env, uint32_t ptr_regno, int off, int size,
                             int value_regno)
{
    const struct vreg *r = &v_cur_regs(env)[ptr_regno];
    struct vframe *f = reg_frame(env, r);
    if (tnum_is_const(r->var_off))
        return check_stack_write_fixed_off(env, f, off + (int)r->var_off.value, size,
                                           value_regno);
    return check_stack_write_var_off(env, f, ptr_regno, off, size, value_regno);
}

/* ---------------------------------------------------------- entry point */

int v_check_ptr_off_reg(struct venv *env, const struct vreg *r, uint32_t regno)
{
    if (r->off < 0)
        return v_err(env, -EACCES, "negative offset %s ptr R%u off=%d disallowed\n",
                     v_type_str(r->type), regno, r->off);
    if (r->off)
        return v_err(env, -EACCES, "dereference of modified %s ptr R%u off=%d disallowed\n",
                     v_type_str(r->type), regno, r->off);
    if (!tnum_is_const(r->var_off) || r->var_off.value) {
        char tn[48];
        tnum_strn(tn, sizeof(tn), r->var_off);
        return v_err(env, -EACCES, "variable %s access var_off=%s disallowed\n",
                     v_type_str(r->type), tn);
    }
    return 0;
}

/* A load from a map value: unknown, except from a frozen read-only array
 * at a constant offset, which the kernel reads at load time
 * (bpf_map_direct_read: the bytes, sign-extended for ldsx). */
static void read_frozen_map(struct venv *env, const struct vreg *r, int off, int size,
                            bool is_ldsx, struct vreg *dst)
{
    const struct verifier_map *m = v_map(env, r->map_idx);
    v_mark_reg_unknown(env, dst);
    if (!m || !m->frozen || m->type != BPF_MAP_TYPE_ARRAY || m->max_entries != 1 ||
        !(m->flags & BPF_F_RDONLY_PROG) || !tnum_is_const(r->var_off))
        return;
    int64_t map_off = (int64_t)off + (int64_t)r->var_off.value;
    if (map_off < 0 || map_off + size > (int64_t)m->value_size)
        return;
    uint64_t v = 0;
    memcpy(&v, m->frozen + map_off, (size_t)size); /* little-endian host, as the kernel's */
    if (is_ldsx && size < 8) {
        unsigned sh = 64u - 8u * (unsigned)size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    v_mark_reg_known(dst, v);
}

int v_check_mem_access(struct venv *env, uint32_t insn_idx, uint32_t regno, int off, int bpf_size,
                       int t, int value_regno, bool strict_align, bool is_ldsx)
{
    struct vreg *regs = v_cur_regs(env);
    struct vreg *r = &regs[regno];
    int size = (int)vm_size_bytes((uint8_t)bpf_size);
    int rc = check_ptr_alignment(env, r, off, size, strict_align);
    if (rc)
        return rc;
    off += r->off;
    const struct vreg *val = value_regno >= 0 ? &regs[value_regno] : NULL;

    if (r->type == PTR_TO_MAP_KEY) {
        if (t == V_WRITE)
            return v_err(env, -EACCES, "write to change key R%u not allowed\n", regno);
        const struct verifier_map *m = v_map(env, r->map_idx);
        if ((rc = check_mem_region_access(env, regno, off, size, m ? m->key_size : 0, false,
                                          false)))
            return rc;
        if (value_regno >= 0)
            v_mark_reg_unknown(env, &regs[value_regno]);
    } else if (r->type == PTR_TO_MAP_VALUE) {
        if (t == V_WRITE && val && is_pointer_value(env, val))
            return v_err(env, -EACCES, "R%d leaks addr into map\n", value_regno);
        if ((rc = check_map_access_type(env, regno, off - r->off, size, t)))
            return rc;
        if ((rc = v_check_map_access(env, regno, off, size, false, false)))
            return rc;
        if (t == V_READ && value_regno >= 0)
            read_frozen_map(env, r, off, size, is_ldsx, &regs[value_regno]);
    } else if (base_type(r->type) == PTR_TO_MEM) {
        bool rdonly = r->type & MEM_RDONLY;
        if (type_may_be_null(r->type))
            return v_err(env, -EACCES, "R%u invalid mem access '%s'\n", regno,
                         v_type_str(r->type));
        if (t == V_WRITE && rdonly)
            return v_err(env, -EACCES, "R%u cannot write into %s\n", regno, v_type_str(r->type));
        if (t == V_WRITE && val && is_pointer_value(env, val))
            return v_err(env, -EACCES, "R%d leaks addr into mem\n", value_regno);
        if ((rc = check_mem_region_access(env, regno, off, size, r->mem_size, false, false)))
            return rc;
        if (value_regno >= 0 && (t == V_READ || rdonly))
            v_mark_reg_unknown(env, &regs[value_regno]);
    } else if (r->type == PTR_TO_CTX) {
        if (t == V_WRITE && val && is_pointer_value(env, val))
            return v_err(env, -EACCES, "R%d leaks addr into ctx\n", value_regno);
        if ((rc = v_check_ptr_off_reg(env, r, regno)))
            return rc;
        uint32_t type = SCALAR_VALUE;
        bool narrow = false;
        if ((rc = v_check_ctx_access(env, insn_idx, off, size, t, &type, &narrow)))
            return rc;
        env->aux[insn_idx].ctx_access = true;
        if (t == V_READ && value_regno >= 0) {
            struct vreg *d = &regs[value_regno];
            if (type == SCALAR_VALUE) {
                v_mark_reg_unknown(env, d);
            } else {
                v_mark_reg_not_init(d);
                d->type = type;
                v_mark_reg_known_zero(d);
                if (type_may_be_null(type))
                    d->id = ++env->id_gen;
            }
            d->type = type;
        }
        (void)is_ldsx;
    } else if (r->type == PTR_TO_STACK) {
        if ((rc = check_stack_access_within_bounds(env, regno, off, size, t)))
            return rc;
        if (t == V_READ)
            rc = check_stack_read(env, regno, off, size, value_regno);
        else
            rc = check_stack_write(env, regno, off, size, value_regno);
        if (rc)
            return rc;
    } else if (r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META) {
        if (t == V_WRITE && !may_access_direct_pkt_data(env, t))
            return v_err(env, -EACCES, "cannot write into packet\n");
        if (t == V_WRITE && val && is_pointer_value(env, val))
            return v_err(env, -EACCES, "R%d leaks addr into packet\n", value_regno);
        if ((rc = check_packet_access(env, regno, off, size, false)))
            return rc;
        if (t == V_READ && value_regno >= 0)
            v_mark_reg_unknown(env, &regs[value_regno]);
    } else if (r->type == PTR_TO_SOCK_COMMON || r->type == PTR_TO_SOCKET ||
               r->type == PTR_TO_TCP_SOCK) {
        if (t == V_WRITE)
            return v_err(env, -EACCES, "R%u cannot write into %s\n", regno, v_type_str(r->type));
        if ((rc = v_check_sock_access(env, regno, off, size)))
            return rc;
        if (value_regno >= 0)
            v_mark_reg_unknown(env, &regs[value_regno]);
    } else if (r->type == CONST_PTR_TO_MAP && !env->allow_ptr_leaks) {
        const struct verifier_map *m = v_map(env, r->map_idx);
        const char *tname = m && (m->type == BPF_MAP_TYPE_ARRAY ||
                                  m->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
                                  m->type == BPF_MAP_TYPE_PROG_ARRAY ||
                                  m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY)
                                ? "bpf_array"
                                : "bpf_htab";
        return v_err(env, -EPERM,
                     "'struct %s' access is allowed only to CAP_PERFMON and CAP_SYS_ADMIN\n",
                     tname);
    } else {
        /* TODO: CONST_PTR_TO_MAP reads for root need the kernel's BTF */
        return v_err(env, -EACCES, "R%u invalid mem access '%s'\n", regno, v_type_str(r->type));
    }
    if (size < 8 && value_regno >= 0 && t == V_READ && regs[value_regno].type == SCALAR_VALUE) {
        if (!is_ldsx)
            v_coerce_reg_to_size(&regs[value_regno], size);
        else
            v_coerce_reg_to_size_sx(&regs[value_regno], size);
    }
    return 0;
}

/* ------------------------------------------------------ helper memory */

int v_check_stack_range(struct venv *env, uint32_t regno, int off, int access_size,
                        bool zero_size_allowed, bool write, bool raw)
{
    return stack_range_initialized(env, regno, off, access_size, zero_size_allowed, write,
                                   raw && write);
}

/* check_helper_mem_access: regno points to access_size bytes a helper
 * reads (or, write, fills). */
int v_check_helper_mem_access(struct venv *env, uint32_t regno, int access_size, bool write,
                              bool zero_size_allowed)
{
    struct vreg *r = &v_cur_regs(env)[regno];
    const struct verifier_map *m;
    switch (base_type(r->type)) {
    case PTR_TO_PACKET:
    case PTR_TO_PACKET_META:
        return check_packet_access(env, regno, r->off, access_size, zero_size_allowed);
    case PTR_TO_MAP_KEY:
        if (write)
            return v_err(env, -EACCES, "R%u cannot write into %s\n", regno, v_type_str(r->type));
        m = v_map(env, r->map_idx);
        return check_mem_region_access(env, regno, r->off, access_size, m ? m->key_size : 0,
                                       false, false);
    case PTR_TO_MAP_VALUE:
        if (check_map_access_type(env, regno, 0, access_size, write ? V_WRITE : V_READ))
            return -EACCES;
        return v_check_map_access(env, regno, r->off, access_size, zero_size_allowed, false);
    case PTR_TO_MEM:
        if ((r->type & MEM_RDONLY) && write)
            return v_err(env, -EACCES, "R%u cannot write into %s\n", regno, v_type_str(r->type));
        return check_mem_region_access(env, regno, r->off, access_size, r->mem_size,
                                       zero_size_allowed, false);
    case PTR_TO_STACK:
        return v_check_stack_range(env, regno, r->off, access_size, zero_size_allowed, write,
                                   false);
    default:
        if (zero_size_allowed && access_size == 0 && register_is_null(r))
            return 0;
        return v_err(env, -EACCES, "R%u type=%s expected=fp\n", regno, v_type_str(r->type));
    }
}

/* ------------------------------------------------------------ atomics */

#ifndef BPF_LOAD_ACQ
#define BPF_LOAD_ACQ 0x100
#define BPF_STORE_REL 0x110
#endif

/* atomic_ptr_type_ok: no atomics on ctx, packet (and socket) memory. */
static bool atomic_ptr_type_ok(const struct vreg *r)
{
    return r->type != PTR_TO_CTX && r->type != PTR_TO_PACKET && r->type != PTR_TO_PACKET_META &&
           r->type != PTR_TO_PACKET_END && r->type != PTR_TO_SOCK_COMMON &&
           r->type != PTR_TO_SOCKET && r->type != PTR_TO_TCP_SOCK;
}

static int check_atomic_rmw(struct venv *env, const struct bpf_insn *insn)
{
    int rc;
    if (BPF_SIZE(insn->code) != BPF_W && BPF_SIZE(insn->code) != BPF_DW)
        return v_err(env, -EINVAL, "invalid atomic operand size\n");
    if ((rc = v_check_reg_arg(env, insn->src_reg, true)))
        return rc;
    if ((rc = v_check_reg_arg(env, insn->dst_reg, true)))
        return rc;
    struct vreg *regs = v_cur_regs(env);
    if (insn->imm == BPF_CMPXCHG) {
        if ((rc = v_check_reg_arg(env, 0, true)))
            return rc;
        if (is_pointer_value(env, &regs[0]))
            return v_err(env, -EACCES, "R0 leaks addr into mem\n");
    }
    if (is_pointer_value(env, &regs[insn->src_reg]))
        return v_err(env, -EACCES, "R%u leaks addr into mem\n", insn->src_reg);
    if (!atomic_ptr_type_ok(&regs[insn->dst_reg]))
        return v_err(env, -EACCES, "BPF_ATOMIC stores into R%u %s is not allowed\n",
                     insn->dst_reg, v_type_str(regs[insn->dst_reg].type));
    int load_reg = -1;
    if (insn->imm & BPF_FETCH) {
        load_reg = insn->imm == BPF_CMPXCHG ? 0 : insn->src_reg;
        if ((rc = v_check_reg_dst(env, (uint32_t)load_reg)))
            return rc;
    }
    /* read the old value (into load_reg for the fetch forms), then write */
    rc = v_check_mem_access(env, env->insn_idx, insn->dst_reg, insn->off, BPF_SIZE(insn->code),
                            V_READ, -1, true, false);
    if (!rc && load_reg >= 0)
        rc = v_check_mem_access(env, env->insn_idx, insn->dst_reg, insn->off,
                                BPF_SIZE(insn->code), V_READ, load_reg, true, false);
    if (rc)
        return rc;
    return v_check_mem_access(env, env->insn_idx, insn->dst_reg, insn->off, BPF_SIZE(insn->code),
                              V_WRITE, -1, true, false);
}

int v_check_atomic(struct venv *env, const struct bpf_insn *insn)
{
    int rc;
    struct vreg *regs = v_cur_regs(env);
    switch (insn->imm) {
    case BPF_ADD: case BPF_ADD | BPF_FETCH: case BPF_AND: case BPF_AND | BPF_FETCH:
    case BPF_OR: case BPF_OR | BPF_FETCH: case BPF_XOR: case BPF_XOR | BPF_FETCH:
    case BPF_XCHG: case BPF_CMPXCHG:
        return check_atomic_rmw(env, insn);
    case BPF_LOAD_ACQ:
        /* dst = *(size *)(src + off) */
        if ((rc = v_check_reg_arg(env, insn->src_reg, true)))
            return rc;
        if ((rc = v_check_reg_arg(env, insn->dst_reg, false)))
            return rc;
        if (!atomic_ptr_type_ok(&regs[insn->src_reg]))
            return v_err(env, -EACCES, "BPF_ATOMIC loads from R%u %s is not allowed\n",
                         insn->src_reg, v_type_str(regs[insn->src_reg].type));
        return v_check_mem_access(env, env->insn_idx, insn->src_reg, insn->off,
                                  BPF_SIZE(insn->code), V_READ, insn->dst_reg, true, false);
    case BPF_STORE_REL:
        /* *(size *)(dst + off) = src */
        if ((rc = v_check_reg_arg(env, insn->src_reg, true)))
            return rc;
        if ((rc = v_check_reg_arg(env, insn->dst_reg, true)))
            return rc;
        if (!atomic_ptr_type_ok(&regs[insn->dst_reg]))
            return v_err(env, -EACCES, "BPF_ATOMIC stores into R%u %s is not allowed\n",
                         insn->dst_reg, v_type_str(regs[insn->dst_reg].type));
        return v_check_mem_access(env, env->insn_idx, insn->dst_reg, insn->off,
                                  BPF_SIZE(insn->code), V_WRITE, insn->src_reg, true, false);
    default:
        return v_err(env, -EINVAL, "BPF_ATOMIC uses invalid atomic opcode %02x\n", insn->imm);
    }
}
