/* verifier/calls.c - calls: helper calls checked against each helper's
 * prototype (helpers/helpers.h's helper_proto: argument and return kinds,
 * program types) with the kernel's argument rules and messages
 * (check_helper_call, check_func_arg), and bpf2bpf calls: a new frame for
 * the callee, and the return to the caller (check_func_call,
 * prepare_func_exit). */
#include "verifier/verifier_int.h"

#include "helpers/helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V_FUNC_MAX_ID 212 /* __BPF_FUNC_MAX_ID in 6.18 */

/* Helpers the kernel only gives with CAP_PERFMON (bpf_base_func_proto's
 * last group), or with CAP_BPF. */
static bool needs_perfmon(int32_t id)
{
    switch (id) {
    case BPF_FUNC_trace_printk: case BPF_FUNC_probe_read_user: case BPF_FUNC_probe_read_kernel:
    case BPF_FUNC_probe_read_user_str: case BPF_FUNC_probe_read_kernel_str:
    case BPF_FUNC_get_current_task: case BPF_FUNC_get_current_task_btf:
    case BPF_FUNC_snprintf: case BPF_FUNC_snprintf_btf: case BPF_FUNC_trace_vprintk:
    case BPF_FUNC_task_pt_regs:
        return true;
    default:
        return false;
    }
}

static bool needs_bpf_capable(int32_t id)
{
    switch (id) {
    case BPF_FUNC_spin_lock: case BPF_FUNC_spin_unlock: case BPF_FUNC_jiffies64:
    case BPF_FUNC_per_cpu_ptr: case BPF_FUNC_this_cpu_ptr: case BPF_FUNC_timer_init:
    case BPF_FUNC_timer_set_callback: case BPF_FUNC_timer_start: case BPF_FUNC_timer_cancel:
    case BPF_FUNC_kptr_xchg: case BPF_FUNC_ktime_get_coarse_ns:
        return true;
    default:
        return false;
    }
}

/* bpf_helper_changes_pkt_data */
static bool changes_pkt_data(int32_t id)
{
    switch (id) {
    case BPF_FUNC_skb_store_bytes: case BPF_FUNC_l3_csum_replace: case BPF_FUNC_l4_csum_replace:
    case BPF_FUNC_clone_redirect: case BPF_FUNC_skb_vlan_push: case BPF_FUNC_skb_vlan_pop:
    case BPF_FUNC_skb_change_proto: case BPF_FUNC_skb_change_tail: case BPF_FUNC_skb_pull_data:
    case BPF_FUNC_skb_change_head: case BPF_FUNC_xdp_adjust_head: case BPF_FUNC_skb_adjust_room:
    case BPF_FUNC_xdp_adjust_meta: case BPF_FUNC_msg_pull_data: case BPF_FUNC_xdp_adjust_tail:
    case BPF_FUNC_lwt_push_encap: case BPF_FUNC_lwt_seg6_store_bytes:
    case BPF_FUNC_lwt_seg6_adjust_srh: case BPF_FUNC_lwt_seg6_action:
    case BPF_FUNC_msg_push_data: case BPF_FUNC_msg_pop_data:
        return true;
    default:
        return false;
    }
}

/* The prototype of helper `id` as the kernel declares it: helpers.h's,
 * with the kernel's differences applied (trace_printk declares its format
 * arguments only: r3-r5 are optional). NULL when bpfemu lacks the helper. */
const struct helper_proto *v_helper_proto(int32_t id, struct helper_proto *buf)
{
    const struct helper_proto *p = helper_proto(id);
    if (!p)
        return NULL;
    if (id == BPF_FUNC_trace_printk) {
        *buf = *p;
        buf->args[2] = buf->args[3] = buf->args[4] = HELPER_ARG_NONE;
        return buf;
    }
    return p;
}

static const char *helper_name(int32_t id)
{
    const char *n = vm_helper_name(id);
    return n ? n : "unknown";
}

/* The types an argument kind accepts, as check_reg_type lists them. */
struct compat {
    uint32_t types[10];
    unsigned n;
};

static const struct compat mem_types = {
    {PTR_TO_STACK, PTR_TO_PACKET, PTR_TO_PACKET_META, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE,
     PTR_TO_MEM, PTR_TO_MEM | MEM_RINGBUF},
    7,
};

static int check_reg_type(struct venv *env, uint32_t regno, const struct compat *c)
{
    const struct vreg *r = &v_cur_regs(env)[regno];
    uint32_t t = r->type & ~MEM_RDONLY;
    for (unsigned i = 0; i < c->n; i++)
        if (t == c->types[i] || (c->types[i] == PTR_TO_MEM && base_type(t) == PTR_TO_MEM &&
                                 !(t & (MEM_RINGBUF | PTR_MAYBE_NULL))))
            return 0;
    char list[256] = "";
    size_t p = 0;
    for (unsigned i = 0; i < c->n && p < sizeof(list); i++)
        p += (size_t)snprintf(list + p, sizeof(list) - p, "%s%s", i ? ", " : "",
                              v_type_str(c->types[i]));
    /* the kernel's lists have types bpfemu does not model */
    const char *more = c == &mem_types                        ? ", buf, trusted_ptr_"
                       : c->types[0] == PTR_TO_SOCK_COMMON ? ", xdp_sock"
                                                              : "";
    snprintf(list + p, sizeof(list) - (p < sizeof(list) ? p : sizeof(list) - 1), "%s", more);
    return v_err(env, -EACCES, "R%u type=%s expected=%s\n", regno, v_type_str(r->type), list);
}

static bool register_is_null(const struct vreg *r)
{
    return r->type == SCALAR_VALUE && tnum_equals_const(r->var_off, 0);
}

/* check_mem_size_reg: the size argument regno for the memory at regno-1. */
static int check_mem_size_reg(struct venv *env, uint32_t regno, bool write, bool zero_ok)
{
    const struct vreg *r = &v_cur_regs(env)[regno];
    if (r->smin < 0)
        return v_err(env, -EACCES,
                     "R%u min value is negative, either use unsigned or 'var &= const'\n", regno);
    if (r->umin == 0 && !zero_ok)
        return v_err(env, -EACCES, "R%u invalid zero-sized read: u64=[%lld,%llu]\n", regno,
                     (long long)r->umin, (unsigned long long)r->umax);
    if (r->umax >= V_MAX_VAR_SIZ)
        return v_err(env, -EACCES,
                     "R%u unbounded memory access, use 'var &= const' or 'if (var < const)'\n",
                     regno);
    /* a variable size: the helper may fill only part, so no raw mode */
    bool raw = write && tnum_is_const(r->var_off);
    const struct vreg *mem = &v_cur_regs(env)[regno - 1];
    int rc;
    if (mem->type == PTR_TO_STACK)
        rc = v_check_stack_range(env, regno - 1, mem->off, (int)r->umax, zero_ok, write, raw);
    else
        rc = v_check_helper_mem_access(env, regno - 1, (int)r->umax, write, zero_ok);
    /* the access was proven for the size's range: keep it precise */
    return rc ? rc : v_mark_chain_precision(env, (int)regno);
}

/* get_constant_map_key: the key on the stack is a known constant. */
static int64_t constant_map_key(struct venv *env, const struct vreg *key, uint32_t key_size)
{
    if (!env->bpf_capable || key->type != PTR_TO_STACK || !tnum_is_const(key->var_off))
        return -1;
    const struct vframe *f =
        env->cur.frame[key->frameno <= env->cur.curframe ? key->frameno : env->cur.curframe];
    int stack_off = key->off + (int)key->var_off.value;
    int slot = -stack_off - 1, spi = slot / 8, off = slot % 8;
    const uint8_t *stype = f->stack[spi].type;
    uint32_t zero = 0, spill = 0;
    for (int i = off; i >= 0 && stype[i] == STACK_ZERO; i--)
        zero++;
    if (zero >= key_size)
        return 0;
    if (stype[7] != STACK_SPILL || f->stack[spi].spilled.type != SCALAR_VALUE)
        return -1;
    for (int i = off; i >= 0 && stype[i] == STACK_SPILL; i--)
        spill++;
    if (spill != key_size || !tnum_is_const(f->stack[spi].spilled.var_off))
        return -1;
    /* a non-null value relies on the key's value: keep it precise (only
     * fails on a bpfemu bug: then no constant key, the safe answer) */
    if (v_mark_slot_precision(env, f->frameno, (uint32_t)spi))
        return -1;
    return (int64_t)f->stack[spi].spilled.var_off.value;
}

struct call_meta {
    int32_t map_idx;       /* -1: none */
    int64_t const_key;     /* -1: not constant */
    uint64_t mem_size;     /* ringbuf_reserve's size */
    uint32_t release_regno;
    uint32_t release_id;
};

static int check_func_arg(struct venv *env, uint32_t arg, enum helper_arg kind,
                          const struct helper_proto *fn, struct call_meta *meta)
{
    uint32_t regno = arg + 1;
    int rc;
    if (kind == HELPER_ARG_NONE)
        return 0;
    if ((rc = v_check_reg_arg(env, regno, true)))
        return rc;
    struct vreg *r = &v_cur_regs(env)[regno];
    if (kind == HELPER_ARG_ANYTHING) {
        if (!env->allow_ptr_leaks && r->type != SCALAR_VALUE)
            return v_err(env, -EACCES, "R%u leaks addr into helper function\n", regno);
        return 0;
    }
    static const struct compat map_ptr = {{CONST_PTR_TO_MAP}, 1}, ctx = {{PTR_TO_CTX}, 1},
                               ringbuf = {{PTR_TO_MEM | MEM_RINGBUF}, 1},
                               func = {{PTR_TO_FUNC}, 1}, stack = {{PTR_TO_STACK}, 1},
                               scalar = {{SCALAR_VALUE}, 1};
    /* the kernel's list ends with xdp_sock, which bpfemu has no sockets for */
    static const struct compat sock = {{PTR_TO_SOCK_COMMON, PTR_TO_SOCKET, PTR_TO_TCP_SOCK}, 3};
    const struct compat *c = NULL;
    bool maybe_null = false;
    /* a socket map's value argument is a socket (ARG_PTR_TO_BTF_ID_SOCK_COMMON),
     * which bpfemu's verifier does not model: any register fails as a
     * non-socket one fails in the kernel */
    const struct verifier_map *sm =
        kind == HELPER_ARG_MAP_VALUE && meta->map_idx >= 0 ? v_map(env, (uint32_t)meta->map_idx)
                                                           : NULL;
    if (sm && (sm->type == BPF_MAP_TYPE_SOCKMAP || sm->type == BPF_MAP_TYPE_SOCKHASH))
        return v_err(env, -EACCES,
                     "R%u type=%s expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, "
                     "trusted_ptr_\n", regno, v_type_str(r->type));
    switch (kind) {
    case HELPER_ARG_MAP: c = &map_ptr; break;
    case HELPER_ARG_CTX: c = &ctx; break;
    case HELPER_ARG_RINGBUF_MEM: c = &ringbuf; break;
    case HELPER_ARG_FUNC: c = &func; break;
    case HELPER_ARG_STACK_OR_NULL: c = &stack; maybe_null = true; break;
    case HELPER_ARG_SIZE: case HELPER_ARG_SIZE_OR_ZERO: c = &scalar; break;
    case HELPER_ARG_MEM_OR_NULL: c = &mem_types; maybe_null = true; break;
    case HELPER_ARG_SOCK_COMMON: c = &sock; break;
    case HELPER_ARG_MAP_KEY: case HELPER_ARG_MAP_VALUE: case HELPER_ARG_MAP_VALUE_OUT:
    case HELPER_ARG_MEM: case HELPER_ARG_MEM_OUT: case HELPER_ARG_PTR_TO_LONG:
        c = &mem_types;
        break;
    default:
        /* TODO: spin locks and constant strings need BTF / frozen maps */
        return v_err(env, -EINVAL, "bpfemu's verifier does not support argument %u of %s yet\n",
                     regno, helper_name(fn->id));
    }
    if ((r->type == PTR_TO_PACKET || r->type == PTR_TO_PACKET_META) && c == &mem_types) {
        /* meta->pkt_access: only helpers declared for packet access */
        switch (env->opts->prog_type) {
        case BPF_PROG_TYPE_LWT_IN: case BPF_PROG_TYPE_LWT_OUT: case BPF_PROG_TYPE_LWT_XMIT:
        case BPF_PROG_TYPE_SK_REUSEPORT: case BPF_PROG_TYPE_FLOW_DISSECTOR:
        case BPF_PROG_TYPE_CGROUP_SKB: case BPF_PROG_TYPE_SCHED_CLS:
        case BPF_PROG_TYPE_SCHED_ACT: case BPF_PROG_TYPE_XDP: case BPF_PROG_TYPE_SK_SKB:
        case BPF_PROG_TYPE_SK_MSG: case BPF_PROG_TYPE_CGROUP_SOCKOPT:
            break;
        default:
            return v_err(env, -EACCES, "helper access to the packet is not allowed\n");
        }
    }
    /* a NULL argument is allowed for its zero: relied on */
    if (maybe_null && register_is_null(r) && (rc = v_mark_chain_precision(env, (int)regno)))
        return rc;
    if (!(maybe_null && register_is_null(r))) {
        if ((rc = check_reg_type(env, regno, c)))
            return rc;
        if (kind == HELPER_ARG_RINGBUF_MEM && r->off)
            return v_err(env, -EINVAL,
                         "R%u must have zero offset when passed to release func or trusted arg to kfunc\n",
                         regno);
        if (r->type == PTR_TO_CTX || r->type == CONST_PTR_TO_MAP || r->type == PTR_TO_FUNC) {
            if (r->off < 0)
                return v_err(env, -EACCES, "negative offset %s ptr R%u off=%d disallowed\n",
                             v_type_str(r->type), regno, r->off);
            if (r->off)
                return v_err(env, -EACCES,
                             "dereference of modified %s ptr R%u off=%d disallowed\n",
                             v_type_str(r->type), regno, r->off);
        }
    }
    const struct verifier_map *m = meta->map_idx >= 0 ? v_map(env, (uint32_t)meta->map_idx) : NULL;
    switch (kind) {
    case HELPER_ARG_MAP:
        meta->map_idx = (int32_t)r->map_idx;
        /* the kernel checks tail_call's map at the argument, before
         * check_map_func_compatibility, with a message of its own (and no
         * newline: the statistics line follows on the same line) */
        if (fn->id == BPF_FUNC_tail_call && (m = v_map(env, r->map_idx)) &&
            m->type != BPF_MAP_TYPE_PROG_ARRAY)
            return v_err(env, -EINVAL, "expected prog array map for tail call");
        break;
    case HELPER_ARG_MAP_KEY:
        if (!m)
            return v_err(env, -EFAULT, "invalid map_ptr to access map->key\n");
        if ((rc = v_check_helper_mem_access(env, regno, (int)m->key_size, false, false)))
            return rc;
        if (m->type == BPF_MAP_TYPE_ARRAY || m->type == BPF_MAP_TYPE_PERCPU_ARRAY)
            meta->const_key = constant_map_key(env, r, m->key_size);
        break;
    case HELPER_ARG_MAP_VALUE:
    case HELPER_ARG_MAP_VALUE_OUT:
        if (!m)
            return v_err(env, -EFAULT, "invalid map_ptr to access map->value\n");
        if (kind == HELPER_ARG_MAP_VALUE_OUT && r->type == PTR_TO_STACK)
            return v_check_stack_range(env, regno, r->off, (int)m->value_size, false, true, true);
        return v_check_helper_mem_access(env, regno, (int)m->value_size,
                                         kind == HELPER_ARG_MAP_VALUE_OUT, false);
    case HELPER_ARG_PTR_TO_LONG:
        if (r->type == PTR_TO_STACK)
            return v_check_stack_range(env, regno, r->off, 8, false, true, true);
        return v_check_helper_mem_access(env, regno, 8, true, false);
    case HELPER_ARG_SIZE:
    case HELPER_ARG_SIZE_OR_ZERO: {
        /* a NULL memory argument (ARG_PTR_TO_MEM | PTR_MAYBE_NULL) is
         * checked here too: only a size that can only be 0 goes with it,
         * else "R1 type=scalar expected=fp" (check_helper_mem_access) */
        enum helper_arg prev = arg ? fn->args[arg - 1] : HELPER_ARG_NONE;
        return check_mem_size_reg(env, regno, prev == HELPER_ARG_MEM_OUT,
                                  kind == HELPER_ARG_SIZE_OR_ZERO);
    }
    case HELPER_ARG_RINGBUF_MEM:
        meta->release_regno = regno;
        meta->release_id = r->ref_obj_id;
        break;
    default:
        break;
    }
    return 0;
}

static void clear_all_pkt_pointers(struct venv *env)
{
    for (uint32_t f = 0; f <= env->cur.curframe; f++) {
        struct vframe *fr = env->cur.frame[f];
        for (int i = 0; i < V_MAX_REG; i++)
            if (v_reg_is_pkt_pointer_any(&fr->regs[i])) {
                if (env->allow_ptr_leaks)
                    v_mark_reg_unknown(env, &fr->regs[i]);
                else
                    v_mark_reg_not_init(&fr->regs[i]);
            }
        for (uint32_t s = 0; s < fr->allocated / 8; s++)
            if (fr->stack[s].type[7] == STACK_SPILL &&
                v_reg_is_pkt_pointer_any(&fr->stack[s].spilled)) {
                if (env->allow_ptr_leaks)
                    v_mark_reg_unknown(env, &fr->stack[s].spilled);
                else
                    v_mark_reg_not_init(&fr->stack[s].spilled);
            }
    }
}

/* release_reference: the object is gone from every register and slot. */
static int release_reference(struct venv *env, uint32_t ref_obj_id)
{
    uint32_t i;
    for (i = 0; i < env->cur.n_refs; i++)
        if (env->cur.refs[i].id == ref_obj_id)
            break;
    if (i == env->cur.n_refs)
        return v_err(env, -EINVAL, "release kernel function bpf_ringbuf_submit expects refcounted PTR_TO_BTF_ID\n");
    env->cur.refs[i] = env->cur.refs[--env->cur.n_refs];
    for (uint32_t f = 0; f <= env->cur.curframe; f++) {
        struct vframe *fr = env->cur.frame[f];
        for (int r = 0; r < V_MAX_REG; r++)
            if (fr->regs[r].ref_obj_id == ref_obj_id) {
                if (env->allow_ptr_leaks)
                    v_mark_reg_unknown(env, &fr->regs[r]);
                else
                    v_mark_reg_not_init(&fr->regs[r]);
            }
        for (uint32_t s = 0; s < fr->allocated / 8; s++)
            if (fr->stack[s].type[7] == STACK_SPILL &&
                fr->stack[s].spilled.ref_obj_id == ref_obj_id) {
                if (env->allow_ptr_leaks)
                    v_mark_reg_unknown(env, &fr->stack[s].spilled);
                else
                    v_mark_reg_not_init(&fr->stack[s].spilled);
            }
    }
    return 0;
}

int v_check_helper_call(struct venv *env, const struct bpf_insn *insn)
{
    int32_t id = insn->imm;
    if (id < 0 || id >= V_FUNC_MAX_ID)
        return v_err(env, -EINVAL, "invalid func %s#%d\n", helper_name(id), id);
    struct helper_proto fixed;
    const struct helper_proto *fn = v_helper_proto(id, &fixed);
    bool allowed = fn && (!fn->prog_types || (env->opts->prog_type < 64 &&
                                               (fn->prog_types >> env->opts->prog_type) & 1));
    if (allowed && needs_perfmon(id) && !env->allow_ptr_leaks)
        allowed = false;
    if (allowed && needs_bpf_capable(id) && !env->bpf_capable)
        allowed = false;
    if (allowed && env->opts->withheld_helpers &&
        (env->opts->withheld_helpers[id / 8] >> (id % 8) & 1))
        allowed = false;
    if (!allowed)
        return v_err(env, -EINVAL, "program of this type cannot use helper %s#%d\n",
                     helper_name(id), id);
    if (fn->gpl_only && env->opts->non_gpl)
        return v_err(env, -EINVAL,
                     "cannot call GPL-restricted function from non-GPL compatible program\n");
    struct call_meta meta = {.map_idx = -1, .const_key = -1};
    int rc;
    for (uint32_t i = 0; i < 5; i++) {
        enum helper_arg kind = fn->args[i];
        /* ringbuf_reserve's size is ARG_CONST_ALLOC_SIZE_OR_ZERO */
        if (id == BPF_FUNC_ringbuf_reserve && i == 1) {
            if ((rc = v_check_reg_arg(env, 2, true)))
                return rc;
            const struct vreg *r = &v_cur_regs(env)[2];
            if (r->type != SCALAR_VALUE)
                return v_err(env, -EACCES, "R2 type=%s expected=scalar\n", v_type_str(r->type));
            if (!tnum_is_const(r->var_off))
                return v_err(env, -EACCES, "R2 is not a known constant'\n");
            meta.mem_size = r->var_off.value;
            if ((rc = v_mark_chain_precision(env, 2)))
                return rc;
            continue;
        }
        if ((rc = check_func_arg(env, i, kind, fn, &meta)))
            return rc;
    }
    if (id == BPF_FUNC_tail_call) {
        /* record_func_key: a constant index in range is relied on */
        const struct vreg *key = &v_cur_regs(env)[3];
        const struct vreg *map = &v_cur_regs(env)[2];
        const struct verifier_map *m = map->type == CONST_PTR_TO_MAP ? v_map(env, map->map_idx) : NULL;
        if (m && key->type == SCALAR_VALUE && tnum_is_const(key->var_off) &&
            key->var_off.value < m->max_entries && (rc = v_mark_chain_precision(env, 3)))
            return rc;
    }
    if (meta.release_regno && (rc = release_reference(env, meta.release_id)))
        return rc;
    if (id == BPF_FUNC_tail_call && env->cur.n_refs)
        return v_err(env, -EINVAL, "tail_call would lead to reference leak\n");
    if (id == BPF_FUNC_loop || id == BPF_FUNC_for_each_map_elem) {
        /* the callback's iterations (callbacks.c), before r1-r5 go */
        if ((rc = v_callback_call(env, id, meta.map_idx)))
            return rc;
    } else if (fn->args[1] == HELPER_ARG_FUNC || fn->args[0] == HELPER_ARG_FUNC) {
        /* TODO: timer, find_vma and user_ringbuf_drain callbacks */
        return v_err(env, -EINVAL, "bpfemu's verifier does not support callbacks yet\n");
    }

    struct vreg *regs = v_cur_regs(env);
    for (uint32_t i = 0; i <= 5; i++) {
        v_mark_reg_not_init(&regs[i]);
        v_mark_reg_scratched(env, i);
    }
    struct vreg *r0 = &regs[0];
    enum helper_ret ret = fn->ret;
    if (id == BPF_FUNC_tail_call)
        ret = HELPER_RET_VOID;
    switch (ret) {
    case HELPER_RET_INTEGER:
        v_mark_reg_unknown(env, r0);
        /* do_refine_retval_range: a CPU number is below nr_cpu_ids */
        if (id == BPF_FUNC_get_smp_processor_id && env->opts->nr_cpus) {
            uint32_t max = env->opts->nr_cpus - 1;
            r0->umin = r0->smin = 0;
            r0->u32_min = 0;
            r0->s32_min = 0;
            r0->umax = r0->u32_max = max;
            r0->smax = r0->s32_max = (int32_t)max;
            v_reg_bounds_sync(r0);
        }
        break;
    case HELPER_RET_VOID:
        r0->type = NOT_INIT;
        break;
    case HELPER_RET_MAP_VALUE_OR_NULL: {
        const struct verifier_map *m = meta.map_idx >= 0 ? v_map(env, (uint32_t)meta.map_idx) : NULL;
        if (!m)
            return v_err(env, -EFAULT, "unexpected null map_ptr\n");
        r0->type = PTR_TO_MAP_VALUE;
        v_mark_reg_known_zero(r0);
        r0->map_idx = (uint32_t)meta.map_idx;
        r0->type = PTR_TO_MAP_VALUE | PTR_MAYBE_NULL;
        if (id == BPF_FUNC_map_lookup_elem &&
            (m->type == BPF_MAP_TYPE_ARRAY || m->type == BPF_MAP_TYPE_PERCPU_ARRAY) &&
            meta.const_key >= 0 && meta.const_key < (int64_t)m->max_entries)
            r0->type = PTR_TO_MAP_VALUE;
        /* A map-in-map's value is the inner map: since the 6.18 stable
         * backport the lookup returns map_ptr_or_null (the inner map's
         * shape) rather than a map value turned into the map at the null
         * check, so using it before the check says map_ptr_or_null. */
        if (id == BPF_FUNC_map_lookup_elem && m->inner && v_map(env, m->inner - 1)) {
            r0->type = CONST_PTR_TO_MAP | PTR_MAYBE_NULL;
            r0->map_idx = m->inner - 1;
        }
        break;
    }
    case HELPER_RET_SOCKET_OR_NULL:
    case HELPER_RET_TCP_SOCK_OR_NULL: {
        uint32_t t = ret == HELPER_RET_SOCKET_OR_NULL ? PTR_TO_SOCKET : PTR_TO_TCP_SOCK;
        r0->type = t;
        v_mark_reg_known_zero(r0);
        r0->type = t | PTR_MAYBE_NULL;
        break;
    }
    case HELPER_RET_MEM_OR_NULL:
        r0->type = PTR_TO_MEM;
        v_mark_reg_known_zero(r0);
        r0->type = PTR_TO_MEM | MEM_RINGBUF | PTR_MAYBE_NULL;
        r0->mem_size = (uint32_t)meta.mem_size;
        break;
    }
    if ((rc = v_check_map_func_compat(env, meta.map_idx, id, helper_name(id))))
        return rc;
    if (type_may_be_null(r0->type))
        r0->id = ++env->id_gen;
    if (id == BPF_FUNC_ringbuf_reserve) {
        /* acquire_reference: a second id, for the reference */
        if (env->cur.n_refs >= V_MAX_REFS)
            return v_err(env, -ENOMEM, "too many references\n");
        r0->id = ++env->id_gen;
        r0->ref_obj_id = r0->id;
        env->cur.refs[env->cur.n_refs].id = r0->id;
        env->cur.refs[env->cur.n_refs++].insn_idx = (int32_t)env->insn_idx;
    }
    if (changes_pkt_data(id))
        clear_all_pkt_pointers(env);
    return 0;
}

/* ------------------------------------------------------ bpf2bpf calls */

int v_check_func_call(struct venv *env, const struct bpf_insn *insn, uint32_t *insn_idx)
{
    uint32_t target = (uint32_t)((int64_t)*insn_idx + insn->imm + 1);
    uint32_t subprog = v_find_subprog(env, target);
    struct vstate *st = &env->cur;
    if (st->curframe + 1 >= V_MAX_FRAMES)
        return v_err(env, -E2BIG, "the call stack of %u frames is too deep\n", st->curframe + 2);
    struct vframe *caller = st->frame[st->curframe];
    struct vframe *callee = st->frame[st->curframe + 1];
    if (!callee && !(callee = st->frame[st->curframe + 1] = v_frame_new()))
        return -ENOMEM;
    v_init_frame(env, callee, (int32_t)*insn_idx, st->curframe + 1, subprog);
    v_mark_all_scratched(env);
    for (int i = 1; i <= 5; i++)
        callee->regs[i] = caller->regs[i];
    st->curframe++;
    for (uint32_t i = 0; i <= 5; i++) {
        v_mark_reg_not_init(&caller->regs[i]);
        v_mark_reg_scratched(env, i);
    }
    *insn_idx = env->subprogs[subprog].start;
    if (env->log.level) {
        verbose(env, "caller:\n");
        v_print_state(env, st, caller->frameno, true);
        verbose(env, "callee:\n");
        v_print_state(env, st, st->curframe, true);
    }
    return 0;
}

int v_prepare_func_exit(struct venv *env, uint32_t *insn_idx)
{
    struct vstate *st = &env->cur;
    struct vframe *callee = st->frame[st->curframe];
    struct vframe *caller = st->frame[st->curframe - 1];
    struct vreg *r0 = &callee->regs[0];
    if (r0->type == PTR_TO_STACK)
        return v_err(env, -EINVAL, "cannot return stack pointer to the caller\n");
    /* a callback returns to the helper's call insn, which decides on
     * another iteration (callbacks.c); its R0 goes to the helper */
    bool in_callback = callee->in_callback_fn;
    int rc;
    if (in_callback && (rc = v_callback_check_ret(env, callee)))
        return rc;
    if (!in_callback)
        caller->regs[0] = *r0;
    *insn_idx = (uint32_t)callee->callsite + (in_callback ? 0 : 1);
    if (env->log.level) {
        verbose(env, "returning from callee:\n");
        v_print_state(env, st, callee->frameno, true);
        verbose(env, "to caller at %u:\n", *insn_idx);
        v_print_state(env, st, caller->frameno, true);
    }
    st->frame[st->curframe] = NULL;
    st->curframe--;
    free(callee);
    return in_callback ? v_callback_widen(env, *insn_idx) : 0;
}
