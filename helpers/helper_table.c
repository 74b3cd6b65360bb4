/* helpers/helper_table.c - which helper ids bpfemu implements, with the
 * kernel's prototype for each (argument kinds for checks and the verifier,
 * the program types that may call it, GPL-only). Ids are <linux/bpf.h>'s. */
#include "helpers/helper_fns.h"

#define T(t) (1ull << BPF_PROG_TYPE_##t)
/* csum_diff: the kernel's verifier refuses it for socket filters and cgroup_skb */
#define NET (T(XDP) | T(SCHED_CLS) | T(SCHED_ACT) | T(LWT_IN) | T(LWT_OUT) | T(LWT_XMIT) | \
             T(SK_SKB) | T(SK_MSG) | T(SOCK_OPS))
/* the tracing program types (kernel/trace/bpf_trace.c) */
#define TRACING (T(KPROBE) | T(TRACEPOINT) | T(RAW_TRACEPOINT) | T(PERF_EVENT) | \
                 T(RAW_TRACEPOINT_WRITABLE) | T(TRACING))
#define A(...) {__VA_ARGS__}
#define P(id_, fn_, ret_, args_, types_, gpl_)                                  \
    [BPF_FUNC_##id_] = {.id = BPF_FUNC_##id_, .fn = helper_fn_##fn_, .ret = HELPER_RET_##ret_, \
                        .args = args_, .prog_types = types_, .gpl_only = gpl_}

static const struct helper_proto protos[] = {
    P(map_lookup_elem, map_lookup_elem, MAP_VALUE_OR_NULL,
      A(HELPER_ARG_MAP, HELPER_ARG_MAP_KEY), 0, false),
    P(map_update_elem, map_update_elem, INTEGER,
      A(HELPER_ARG_MAP, HELPER_ARG_MAP_KEY, HELPER_ARG_MAP_VALUE, HELPER_ARG_ANYTHING), 0, false),
    P(map_delete_elem, map_delete_elem, INTEGER, A(HELPER_ARG_MAP, HELPER_ARG_MAP_KEY), 0, false),
    P(map_push_elem, map_push_elem, INTEGER,
      A(HELPER_ARG_MAP, HELPER_ARG_MAP_VALUE, HELPER_ARG_ANYTHING), 0, false),
    P(map_pop_elem, map_pop_elem, INTEGER, A(HELPER_ARG_MAP, HELPER_ARG_MAP_VALUE_OUT), 0, false),
    P(map_peek_elem, map_peek_elem, INTEGER, A(HELPER_ARG_MAP, HELPER_ARG_MAP_VALUE_OUT), 0, false),
    P(ringbuf_output, ringbuf_output, INTEGER,
      A(HELPER_ARG_MAP, HELPER_ARG_MEM, HELPER_ARG_SIZE_OR_ZERO, HELPER_ARG_ANYTHING), 0, false),
    P(ringbuf_reserve, ringbuf_reserve, MEM_OR_NULL,
      A(HELPER_ARG_MAP, HELPER_ARG_ANYTHING, HELPER_ARG_ANYTHING), 0, false),
    P(ringbuf_submit, ringbuf_submit, VOID, A(HELPER_ARG_RINGBUF_MEM, HELPER_ARG_ANYTHING), 0, false),
    P(ringbuf_discard, ringbuf_discard, VOID, A(HELPER_ARG_RINGBUF_MEM, HELPER_ARG_ANYTHING), 0, false),
    P(ringbuf_query, ringbuf_query, INTEGER, A(HELPER_ARG_MAP, HELPER_ARG_ANYTHING), 0, false),
    /* GPL-only in every program type (bpf_perf_event_output_proto and the
     * skb/xdp event_output protos) */
    P(perf_event_output, perf_event_output, INTEGER,
      A(HELPER_ARG_CTX, HELPER_ARG_MAP, HELPER_ARG_ANYTHING, HELPER_ARG_MEM, HELPER_ARG_SIZE_OR_ZERO),
      0, true),
    P(tail_call, tail_call, INTEGER, A(HELPER_ARG_CTX, HELPER_ARG_MAP, HELPER_ARG_ANYTHING), 0, false),
    P(spin_lock, spin_lock, VOID, A(HELPER_ARG_SPIN_LOCK), 0, false),
    P(spin_unlock, spin_unlock, VOID, A(HELPER_ARG_SPIN_LOCK), 0, false),
    P(ktime_get_ns, ktime_get_ns, INTEGER, A(HELPER_ARG_NONE), 0, false),
    P(ktime_get_boot_ns, ktime_get_ns, INTEGER, A(HELPER_ARG_NONE), 0, false),
    P(ktime_get_coarse_ns, ktime_get_ns, INTEGER, A(HELPER_ARG_NONE), 0, false),
    P(jiffies64, jiffies64, INTEGER, A(HELPER_ARG_NONE), 0, false),
    P(get_prandom_u32, get_prandom_u32, INTEGER, A(HELPER_ARG_NONE), 0, false),
    P(get_smp_processor_id, get_smp_processor_id, INTEGER, A(HELPER_ARG_NONE), 0, false),
    P(get_numa_node_id, get_numa_node_id, INTEGER, A(HELPER_ARG_NONE), 0, false),
    P(get_current_pid_tgid, get_current_pid_tgid, INTEGER, A(HELPER_ARG_NONE), 0, false),
    P(get_current_uid_gid, get_current_uid_gid, INTEGER, A(HELPER_ARG_NONE), 0, false),
    P(get_current_comm, get_current_comm, INTEGER, A(HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE), 0, false),
    P(get_current_task, get_current_task, INTEGER, A(HELPER_ARG_NONE), 0, true),
    P(get_current_cgroup_id, get_current_cgroup_id, INTEGER, A(HELPER_ARG_NONE), 0, false),
    P(get_attach_cookie, get_attach_cookie, INTEGER, A(HELPER_ARG_CTX),
      T(KPROBE) | T(TRACEPOINT) | T(RAW_TRACEPOINT) | T(PERF_EVENT) | T(TRACING), false),
    P(probe_read_kernel, probe_read_kernel, INTEGER,
      A(HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE_OR_ZERO, HELPER_ARG_ANYTHING), 0, true),
    P(probe_read_user, probe_read_user, INTEGER,
      A(HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE_OR_ZERO, HELPER_ARG_ANYTHING), 0, true),
    P(probe_read_user_str, probe_read_user_str, INTEGER,
      A(HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE_OR_ZERO, HELPER_ARG_ANYTHING), 0, true),
    P(probe_read_kernel_str, probe_read_kernel_str, INTEGER,
      A(HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE_OR_ZERO, HELPER_ARG_ANYTHING), 0, true),
    /* the legacy probe reads are bpf_tracing_func_proto's only */
    P(probe_read, probe_read, INTEGER,
      A(HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE_OR_ZERO, HELPER_ARG_ANYTHING), TRACING, true),
    P(probe_read_str, probe_read_str, INTEGER,
      A(HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE_OR_ZERO, HELPER_ARG_ANYTHING), TRACING, true),
    P(trace_printk, trace_printk, INTEGER,
      A(HELPER_ARG_MEM, HELPER_ARG_SIZE, HELPER_ARG_ANYTHING, HELPER_ARG_ANYTHING, HELPER_ARG_ANYTHING),
      0, true),
    P(xdp_adjust_head, xdp_adjust_head, INTEGER, A(HELPER_ARG_CTX, HELPER_ARG_ANYTHING), T(XDP), false),
    P(xdp_adjust_tail, xdp_adjust_tail, INTEGER, A(HELPER_ARG_CTX, HELPER_ARG_ANYTHING), T(XDP), false),
    P(xdp_adjust_meta, xdp_adjust_meta, INTEGER, A(HELPER_ARG_CTX, HELPER_ARG_ANYTHING), T(XDP), false),
    P(xdp_load_bytes, xdp_load_bytes, INTEGER,
      A(HELPER_ARG_CTX, HELPER_ARG_ANYTHING, HELPER_ARG_MEM_OUT, HELPER_ARG_SIZE), T(XDP), false),
    P(xdp_store_bytes, xdp_store_bytes, INTEGER,
      A(HELPER_ARG_CTX, HELPER_ARG_ANYTHING, HELPER_ARG_MEM, HELPER_ARG_SIZE), T(XDP), false),
    P(xdp_get_buff_len, xdp_get_buff_len, INTEGER, A(HELPER_ARG_CTX), T(XDP), false),
    P(redirect, redirect, INTEGER, A(HELPER_ARG_ANYTHING, HELPER_ARG_ANYTHING),
      T(XDP) | T(SCHED_CLS) | T(SCHED_ACT) | T(LWT_XMIT), false),
    P(redirect_map, redirect_map, INTEGER, A(HELPER_ARG_MAP, HELPER_ARG_ANYTHING, HELPER_ARG_ANYTHING),
      T(XDP), false),
    P(loop, loop, INTEGER, A(HELPER_ARG_ANYTHING, HELPER_ARG_FUNC, HELPER_ARG_STACK_OR_NULL,
                             HELPER_ARG_ANYTHING), 0, false),
    P(for_each_map_elem, for_each_map_elem, INTEGER,
      A(HELPER_ARG_MAP, HELPER_ARG_FUNC, HELPER_ARG_STACK_OR_NULL, HELPER_ARG_ANYTHING), 0, false),
    P(csum_diff, csum_diff, INTEGER,
      A(HELPER_ARG_MEM_OR_NULL, HELPER_ARG_SIZE_OR_ZERO, HELPER_ARG_MEM_OR_NULL,
        HELPER_ARG_SIZE_OR_ZERO, HELPER_ARG_ANYTHING), NET, false),
};

const struct helper_proto *helper_proto(int32_t id)
{
    if (id < 0 || (size_t)id >= sizeof(protos) / sizeof(protos[0]) || !protos[id].fn) {
        const struct helper_proto *p = helper_proto_skb(id);
        return p ? p : helper_proto_sock(id);
    }
    return &protos[id];
}
