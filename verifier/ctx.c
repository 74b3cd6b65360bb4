/* verifier/ctx.c - which context fields a program type may read and write,
 * at which sizes, and what type a load gives (the kernel's
 * *_is_valid_access in net/core/filter.c): struct xdp_md for XDP, struct
 * __sk_buff for socket filters, tc (SCHED_CLS/ACT) and cgroup skb;
 * pt_regs for kprobes, tracepoint records, raw tracepoint arguments. */
#include "verifier/verifier_int.h"

#include <errno.h>
#include <stddef.h>

/* [off, off+len) of a __sk_buff / xdp_md member contains o */
#define IN(o, member, T) ((o) >= (int)offsetof(T, member) && \
                          (o) < (int)(offsetof(T, member) + sizeof(((T *)0)->member)))
#define SKB(o, m) IN(o, m, struct __sk_buff)
#define SKB_TILL(o, a, b) ((o) >= (int)offsetof(struct __sk_buff, a) && \
                           (o) < (int)(offsetof(struct __sk_buff, b) + \
                                       sizeof(((struct __sk_buff *)0)->b)))

static bool xdp_valid(const struct venv *env, int off, int size, int t, uint32_t *type)
{
    if (env->opts->expected_attach_type != BPF_XDP_DEVMAP &&
        off == (int)offsetof(struct xdp_md, egress_ifindex))
        return false;
    if (t == V_WRITE)
        return false;
    if (off == (int)offsetof(struct xdp_md, data))
        *type = PTR_TO_PACKET;
    else if (off == (int)offsetof(struct xdp_md, data_meta))
        *type = PTR_TO_PACKET_META;
    else if (off == (int)offsetof(struct xdp_md, data_end))
        *type = PTR_TO_PACKET_END;
    if (off < 0 || off >= (int)sizeof(struct xdp_md))
        return false;
    if (off % size)
        return false;
    return size == 4;
}

/* bpf_skb_is_valid_access: the rules shared by the __sk_buff types. */
static bool skb_valid(int off, int size, int t, uint32_t *type, bool *narrow)
{
    if (off < 0 || off >= (int)sizeof(struct __sk_buff))
        return false;
    if (off % size)
        return false;
    if (SKB_TILL(off, cb[0], cb[4])) {
        if (off + size > (int)(offsetof(struct __sk_buff, cb[4]) + 4))
            return false;
    } else if (SKB(off, data) || SKB(off, data_meta) || SKB(off, data_end)) {
        if (size != 4)
            return false;
    } else if (SKB_TILL(off, remote_ip6[0], remote_ip6[3]) ||
               SKB_TILL(off, local_ip6[0], local_ip6[3]) || SKB(off, remote_ip4) ||
               SKB(off, local_ip4)) {
        if (size != 4)
            return false;
    } else if (SKB(off, flow_keys)) {
        return false;
    } else if (SKB(off, hwtstamp)) {
        if (t == V_WRITE || size != 8)
            return false;
    } else if (SKB(off, tstamp)) {
        if (size != 8)
            return false;
    } else if (SKB(off, sk)) {
        /* only the whole pointer: no narrow loads of either half */
        if (t == V_WRITE || size != 8 || off != (int)offsetof(struct __sk_buff, sk))
            return false;
        *type = PTR_TO_SOCK_COMMON | PTR_MAYBE_NULL;
    } else if (off == (int)offsetof(struct __sk_buff, tstamp_type)) {
        return false;
    } else if (off > (int)offsetof(struct __sk_buff, tstamp_type) &&
               off < (int)offsetof(struct __sk_buff, hwtstamp)) {
        return false;
    } else if (t == V_WRITE) {
        if (size != 4)
            return false;
    } else {
        *narrow = true;
        if (size > 4 || (size & (size - 1)))
            return false;
    }
    return true;
}

static bool sk_filter_valid(int off, int size, int t, uint32_t *type, bool *narrow)
{
    if (SKB(off, tc_classid) || SKB(off, data) || SKB(off, data_meta) || SKB(off, data_end) ||
        SKB_TILL(off, family, local_port) || SKB(off, tstamp) || SKB(off, wire_len) ||
        SKB(off, hwtstamp))
        return false;
    if (t == V_WRITE && !SKB_TILL(off, cb[0], cb[4]))
        return false;
    return skb_valid(off, size, t, type, narrow);
}

static bool tc_valid(int off, int size, int t, uint32_t *type, bool *narrow)
{
    if (t == V_WRITE && !(SKB(off, mark) || SKB(off, tc_index) || SKB(off, priority) ||
                          SKB(off, tc_classid) || SKB_TILL(off, cb[0], cb[4]) ||
                          SKB(off, tstamp) || SKB(off, queue_mapping)))
        return false;
    if (SKB(off, data))
        *type = PTR_TO_PACKET;
    else if (SKB(off, data_meta))
        *type = PTR_TO_PACKET_META;
    else if (SKB(off, data_end))
        *type = PTR_TO_PACKET_END;
    else if (SKB_TILL(off, family, local_port))
        return false;
    else if (off == (int)offsetof(struct __sk_buff, tstamp_type))
        return size == 1;
    return skb_valid(off, size, t, type, narrow);
}

static bool cg_skb_valid(const struct venv *env, int off, int size, int t, uint32_t *type,
                         bool *narrow)
{
    if (SKB(off, tc_classid) || SKB(off, data_meta) || SKB(off, wire_len))
        return false;
    if ((SKB(off, data) || SKB(off, data_end)) && !env->bpf_capable)
        return false;
    if (t == V_WRITE) {
        if (SKB(off, tstamp)) {
            if (!env->bpf_capable)
                return false;
        } else if (!(SKB(off, mark) || SKB(off, priority) || SKB_TILL(off, cb[0], cb[4]))) {
            return false;
        }
    }
    if (SKB(off, data))
        *type = PTR_TO_PACKET;
    else if (SKB(off, data_end))
        *type = PTR_TO_PACKET_END;
    return skb_valid(off, size, t, type, narrow);
}

/* kprobe: struct pt_regs (168 bytes on x86-64), read-only, any size. */
static bool kprobe_valid(int off, int size, int t)
{
    if (off < 0 || off >= 168 || t != V_READ || off % size)
        return false;
    return off + size <= 168;
}

/* tracepoint: the record after the 8-byte common header, up to
 * PERF_MAX_TRACE_SIZE; raw tracepoint: up to 12 u64 arguments. */
static bool tp_valid(int off, int size, int t)
{
    return off >= 8 && off < 8192 && t == V_READ && !(off % size);
}

static bool raw_tp_valid(int off, int size, int t)
{
    return off >= 0 && off < 96 && t == V_READ && !(off % size);
}

/* check_ctx_access: 0 with *reg_type the type a load gives, or the
 * kernel's "invalid bpf_context access". */
int v_check_ctx_access(struct venv *env, uint32_t insn_idx, int off, int size, int t,
                       uint32_t *reg_type, bool *narrow)
{
    bool ok;
    (void)insn_idx;
    *reg_type = SCALAR_VALUE;
    switch (env->opts->prog_type) {
    case BPF_PROG_TYPE_XDP:
        ok = xdp_valid(env, off, size, t, reg_type);
        break;
    case BPF_PROG_TYPE_SOCKET_FILTER:
        ok = sk_filter_valid(off, size, t, reg_type, narrow);
        break;
    case BPF_PROG_TYPE_SCHED_CLS:
    case BPF_PROG_TYPE_SCHED_ACT:
        ok = tc_valid(off, size, t, reg_type, narrow);
        break;
    case BPF_PROG_TYPE_CGROUP_SKB:
        ok = cg_skb_valid(env, off, size, t, reg_type, narrow);
        break;
    case BPF_PROG_TYPE_SOCK_OPS:
    case BPF_PROG_TYPE_SK_MSG: {
        int r = env->opts->prog_type == BPF_PROG_TYPE_SK_MSG
                    ? v_ctx_sk_msg(env, off, size, t, reg_type)
                    : v_ctx_sock_ops(env, off, size, t, reg_type, narrow);
        if (r < 0)
            return r;
        ok = r;
        break;
    }
    case BPF_PROG_TYPE_SK_SKB:
        ok = v_sk_skb_pre(off, t, reg_type) && skb_valid(off, size, t, reg_type, narrow);
        break;
    case BPF_PROG_TYPE_KPROBE:
        ok = kprobe_valid(off, size, t);
        break;
    case BPF_PROG_TYPE_TRACEPOINT:
        ok = tp_valid(off, size, t);
        break;
    case BPF_PROG_TYPE_RAW_TRACEPOINT:
        ok = raw_tp_valid(off, size, t);
        break;
    default:
        /* TODO: ctx rules of the other program types */
        return v_err(env, -EACCES, "invalid bpf_context access off=%d size=%d\n", off, size);
    }
    if (!ok)
        return v_err(env, -EACCES, "invalid bpf_context access off=%d size=%d\n", off, size);
    return 0;
}
