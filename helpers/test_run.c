/* helpers/test_run.c - BPF_PROG_TEST_RUN for XDP programs, with the kernel's
 * rules (net/bpf/test_run.c): at least ETH_HLEN bytes, metadata from
 * xdp_md.data, 256 bytes of headroom (less the metadata), a 4 KiB frame
 * whose tail holds skb_shared_info, bytes past the linear part in frags,
 * map state kept across repeats, data_out from data_meta. */
#include "helpers/helpers_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}


/* Is buf[from, to) all zero? (ctx_in fields the kernel does not accept) */
static bool zero_range(const void *buf, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (((const uint8_t *)buf)[i])
            return false;
    return true;
}

/* Set up the run, the regions and the packet, then run `repeat` times. */
int helper_run_loop(struct helper_prog *prog, struct helper_call_ctx *cc, struct vm_run *run,
                    struct helper_test_run *tr, vm_ctx_access_fn accessor, size_t ctx_size,
                    char *err, size_t errlen)
{
    struct helper_env *env = prog->env;
    vm_run_init(run, prog->vm);
    run->user = cc;
    run->api_user = env->override_user;
    if (env->record)
        run->on_call = helper_record_call;
    run->args[0] = (uintptr_t)cc->ctx_mem;
    struct vm_region ctx = {.start = (uintptr_t)cc->ctx_mem,
                            .end = (uintptr_t)cc->ctx_mem + ctx_size,
                            .flags = VM_REGION_RW | VM_REGION_CTX,
                            .name = "ctx",
                            .ctx_access = accessor,
                            .ctx_direct = helper_ctx_direct_for(accessor)};
    vm_run_add_region_desc(run, &ctx);
    vm_run_add_region(run, cc->cb_key, sizeof cc->cb_key, VM_REGION_READ, 0, "callback key");
    if (accessor == helper_ctx_skb_access || cc->sk_present)
        helper_sock_add_region(cc, run);
    cc->pkt_region = (int)run->n_regions;
    vm_run_add_region(run, cc->pkt.data, 1, VM_REGION_RW, 0, "packet");
    helper_pkt_sync_region(run);
    for (uint32_t i = 0; i < env->n_map_regions; i++)
        if (vm_run_add_region_desc(run, &env->map_regions[i]))
            return helper_err(err, errlen, -E2BIG, "too many map regions for one run");

    uint32_t repeat = tr->repeat ? tr->repeat : 1;
    /* the emulated clock: one step per run, runs numbered across threads */
    uint64_t first = __atomic_fetch_add(&env->runs, repeat, __ATOMIC_RELAXED);
    uint64_t step = env->opts.clock_step_ns;
    uint64_t clock = env->opts.clock_ns + first * step;
    uint64_t t0 = now_mono();
    for (uint32_t i = 0; i < repeat; i++, clock += step) {
        cc->now_ns = clock;
        cc->prog = prog;
        int rc = vm_run_exec(run);
        if (rc)
            return helper_err(err, errlen, rc, "program '%s': %s", prog->info->name, run->errmsg);
    }
    tr->total_ns = now_mono() - t0;
    tr->duration_ns = tr->total_ns / repeat;
    tr->retval = (uint32_t)run->r0;
    tr->insns_executed = run->insns_executed;
    return 0;
}

static int test_run_xdp(struct helper_prog *prog, struct helper_test_run *tr, char *err,
                        size_t errlen)
{
    size_t size = tr->data_size_in;
    if (size < HELPER_ETH_HLEN)
        return helper_err(err, errlen, -EINVAL,
                      "XDP test runs need at least %u bytes of packet (ETH_HLEN), got %zu",
                      HELPER_ETH_HLEN, size);
    struct xdp_md md = {0};
    if (tr->ctx_in) {
        if (tr->ctx_size_in > sizeof(md) && !zero_range(tr->ctx_in, sizeof(md), tr->ctx_size_in))
            return helper_err(err, errlen, -EINVAL, "ctx_in: bytes past struct xdp_md must be zero");
        memcpy(&md, tr->ctx_in, tr->ctx_size_in < sizeof(md) ? tr->ctx_size_in : sizeof(md));
        if (md.data_meta || md.data_end != size || md.data > md.data_end ||
            (md.data & 3) || md.data > HELPER_XDP_META_MAX)
            return helper_err(err, errlen, -EINVAL,
                          "ctx_in: xdp_md needs data_meta 0, data_end = packet size (%zu), "
                          "data (metadata length) a multiple of 4 up to %u",
                          size, HELPER_XDP_META_MAX);
        if (md.egress_ifindex)
            return helper_err(err, errlen, -EINVAL, "ctx_in: egress_ifindex must be 0");
    }
    size_t meta = md.data;
    size_t headroom = HELPER_XDP_HEADROOM - meta;
    size_t max_linear = HELPER_PAGE_SIZE - headroom - HELPER_SHINFO_SIZE;
    size_t linear = size < max_linear ? size : max_linear;
    size_t frags = size - linear;

    struct helper_call_ctx *cc = calloc(1, sizeof(*cc));
    struct vm_run *run = malloc(sizeof(*run));
    uint8_t *buf = calloc(1, HELPER_PAGE_SIZE + frags);
    int rc = 0;
    if (!cc || !run || !buf) {
        rc = helper_err(err, errlen, -ENOMEM, "out of memory");
        goto out;
    }
    cc->env = prog->env;
    cc->prog = prog;
    cc->prog_type = BPF_PROG_TYPE_XDP;
    cc->cpu = tr->cpu;
    cc->xdp.ingress_ifindex = md.ingress_ifindex ? md.ingress_ifindex : 1; /* lo */
    cc->xdp.rx_queue_index = md.rx_queue_index;
    cc->pkt.buf = buf;
    cc->pkt.buf_len = HELPER_PAGE_SIZE + frags;
    cc->pkt.hard_start = buf;
    cc->pkt.hard_end = buf + HELPER_PAGE_SIZE - HELPER_SHINFO_SIZE;
    cc->pkt.data_meta = buf + headroom;
    cc->pkt.data = cc->pkt.data_meta + meta;
    cc->pkt.data_end = cc->pkt.data_meta + linear;
    memcpy(cc->pkt.data_meta, tr->data_in, linear);
    /* frags live after the frame; the program reaches them only through
     * helpers (not implemented for frags yet), data_out appends them */
    uint8_t *frag = buf + HELPER_PAGE_SIZE;
    if (frags)
        memcpy(frag, (const uint8_t *)tr->data_in + linear, frags);

    rc = helper_run_loop(prog, cc, run, tr, helper_ctx_xdp_access, sizeof(struct xdp_md), err, errlen);
    if (rc)
        goto out;
    size_t out_len = (size_t)(cc->pkt.data_end - cc->pkt.data_meta);
    tr->data_out = malloc(out_len + frags + 1);
    tr->ctx_out = calloc(1, sizeof(struct xdp_md));
    if (!tr->data_out || !tr->ctx_out) {
        rc = helper_err(err, errlen, -ENOMEM, "out of memory");
        goto out;
    }
    memcpy(tr->data_out, cc->pkt.data_meta, out_len);
    if (frags)
        memcpy(tr->data_out + out_len, frag, frags);
    tr->data_size_out = out_len + frags;
    struct xdp_md out_md = {
        .data = (uint32_t)(cc->pkt.data - cc->pkt.data_meta),
        .data_end = (uint32_t)(cc->pkt.data_end - cc->pkt.data_meta),
        .ingress_ifindex = md.ingress_ifindex,
        .rx_queue_index = md.rx_queue_index,
    };
    memcpy(tr->ctx_out, &out_md, sizeof(out_md));
    tr->ctx_size_out = sizeof(out_md);
out:
    if (cc) {
        tr->trace = cc->trace;
        tr->trace_len = cc->trace_len;
    }
    free(buf);
    free(run);
    free(cc);
    return rc;
}

int helper_test_run(struct helper_prog *prog, struct helper_test_run *tr, char *err, size_t errlen)
{
    tr->data_out = tr->ctx_out = NULL;
    tr->trace = NULL;
    tr->data_size_out = tr->ctx_size_out = tr->trace_len = 0;
    switch (prog->prog_type) {
    case BPF_PROG_TYPE_XDP:
        return test_run_xdp(prog, tr, err, errlen);
    case BPF_PROG_TYPE_SCHED_CLS:
    case BPF_PROG_TYPE_SCHED_ACT:
    case BPF_PROG_TYPE_SOCKET_FILTER:
    case BPF_PROG_TYPE_CGROUP_SKB:
    case BPF_PROG_TYPE_LWT_IN:
    case BPF_PROG_TYPE_LWT_OUT:
    case BPF_PROG_TYPE_LWT_XMIT:
        return helper_test_run_skb(prog, tr, err, errlen);
    case BPF_PROG_TYPE_RAW_TRACEPOINT:
        return helper_test_run_raw_tp(prog, tr, err, errlen);
    case BPF_PROG_TYPE_KPROBE:
    case BPF_PROG_TYPE_TRACEPOINT:
        /* the kernel has no test run for these (-ENOTSUPP): events do */
        return helper_err(err, errlen, -ENOTSUP,
                      "program '%s': the kernel cannot test-run %s programs: run it on "
                      "events (bpfemu run --events FILE, `event:` in a test file)",
                      prog->info->name, helper_trace_type_name(prog->prog_type));
    default:
        return helper_err(err, errlen, -ENOTSUP, "program '%s': test runs of this program type (%u) are not supported yet",
                      prog->info->name, prog->prog_type);
    }
}

void helper_test_run_free(struct helper_test_run *tr)
{
    free(tr->data_out);
    free(tr->ctx_out);
    free(tr->trace);
    tr->data_out = tr->ctx_out = NULL;
    tr->trace = NULL;
}

const char *helper_action_name(uint32_t prog_type, uint32_t retval)
{
    static const char *const xdp[] = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
                                      "XDP_REDIRECT"};
    static const char *const tc[] = {"TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT",
                                     "TC_ACT_PIPE", "TC_ACT_STOLEN", "TC_ACT_QUEUED",
                                     "TC_ACT_REPEAT", "TC_ACT_REDIRECT", "TC_ACT_TRAP"};
    switch (prog_type) {
    case BPF_PROG_TYPE_XDP:
        return retval < 5 ? xdp[retval] : NULL;
    case BPF_PROG_TYPE_SCHED_CLS:
    case BPF_PROG_TYPE_SCHED_ACT:
        if (retval == (uint32_t)-1)
            return "TC_ACT_UNSPEC";
        return retval < 9 ? tc[retval] : NULL;
    }
    return NULL;
}
