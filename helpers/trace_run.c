/* helpers/trace_run.c - a tracing program (kprobe, tracepoint, raw
 * tracepoint) run on one synthetic event: the context bytes the probe would
 * have handed it, the task it fires in, the clock, and the memory its
 * probe_read_* calls may read. Also BPF_PROG_TEST_RUN for raw tracepoints,
 * the one tracing type the kernel test-runs (bpf_prog_test_run_raw_tp). */
#include "helpers/helpers_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

bool helper_prog_type_is_trace(uint32_t prog_type)
{
    return prog_type == BPF_PROG_TYPE_KPROBE || prog_type == BPF_PROG_TYPE_TRACEPOINT ||
           prog_type == BPF_PROG_TYPE_RAW_TRACEPOINT;
}

const char *helper_trace_type_name(uint32_t prog_type)
{
    switch (prog_type) {
    case BPF_PROG_TYPE_KPROBE: return "kprobe";
    case BPF_PROG_TYPE_TRACEPOINT: return "tracepoint";
    case BPF_PROG_TYPE_RAW_TRACEPOINT: return "raw tracepoint";
    }
    return NULL;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Memory regions must not overlap: a probe read is answered by one. */
static int check_mem(const struct helper_trace_event *ev, char *err, size_t errlen)
{
    for (size_t i = 0; i < ev->n_mem; i++) {
        const struct helper_trace_mem *a = &ev->mem[i];
        if (!a->len || a->addr + a->len < a->addr)
            return helper_err(err, errlen, -EINVAL, "memory at 0x%llx: %s",
                             (unsigned long long)a->addr, a->len ? "wraps around" : "empty");
        for (size_t j = 0; j < i; j++) {
            const struct helper_trace_mem *b = &ev->mem[j];
            if (a->addr < b->addr + b->len && b->addr < a->addr + a->len)
                return helper_err(err, errlen, -EINVAL,
                                 "memory at 0x%llx overlaps memory at 0x%llx",
                                 (unsigned long long)a->addr, (unsigned long long)b->addr);
        }
    }
    return 0;
}

int helper_trace_run(struct helper_prog *prog, const struct helper_trace_event *ev,
                     struct helper_test_run *tr, char *err, size_t errlen)
{
    struct helper_env *env = prog->env;
    tr->data_out = tr->ctx_out = NULL;
    tr->trace = NULL;
    tr->data_size_out = tr->ctx_size_out = tr->trace_len = 0;
    const char *tname = helper_trace_type_name(prog->prog_type);
    if (!tname)
        return helper_err(err, errlen, -EINVAL,
                         "program '%s' is not a kprobe, tracepoint or raw tracepoint program "
                         "(type %u): it runs on packets, not events",
                         prog->info->name, prog->prog_type);
    size_t ctx_size = helper_trace_ctx_size(prog->prog_type);
    if (ev->ctx_size > ctx_size)
        return helper_err(err, errlen, -EINVAL, "the event's context is %zu bytes, a %s's at most %zu",
                         ev->ctx_size, tname, ctx_size);
    uint32_t ncpus = env->opts.ncpus ? env->opts.ncpus : 1;
    if (ev->cpu >= ncpus)
        return helper_err(err, errlen, -EINVAL, "the event's CPU %u does not exist (%u CPUs)",
                         ev->cpu, ncpus);
    int rc = check_mem(ev, err, errlen);
    if (rc)
        return rc;
    struct helper_call_ctx *cc = calloc(1, sizeof(*cc));
    struct vm_run *run = malloc(sizeof(*run));
    /* the record owns the 64 KiB after it too, so that ctx + a __data_loc
     * offset past the record is never some other memory of the run (a
     * probe read there fails, whatever the host's heap looks like) */
    size_t ctx_map = ctx_size + HELPER_TRACE_DATA_LOC_REACH;
    uint8_t *ctx = mmap(NULL, ctx_map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ctx == MAP_FAILED)
        ctx = NULL;
    if (!cc || !run || !ctx) {
        rc = helper_err(err, errlen, -ENOMEM, "out of memory");
        goto out;
    }
    if (ev->ctx_size)
        memcpy(ctx, ev->ctx, ev->ctx_size);
    cc->env = env;
    cc->prog = prog;
    cc->prog_type = prog->prog_type;
    cc->cpu = ev->cpu;
    cc->pkt_region = -1;
    cc->task = ev->task;
    cc->mem = ev->mem;
    cc->n_mem = ev->n_mem;
    cc->cookie = ev->cookie;
    cc->trace_ctx = ctx;
    cc->trace_ctx_len = ctx_size;

    vm_run_init(run, prog->vm);
    run->user = cc;
    run->api_user = env->override_user;
    if (env->record)
        run->on_call = helper_record_call;
    run->args[0] = (uintptr_t)ctx;
    struct vm_region creg = {.start = (uintptr_t)ctx,
                             .end = (uintptr_t)ctx + ctx_size,
                             .flags = VM_REGION_RW | VM_REGION_CTX,
                             .name = "ctx",
                             .ctx_access = helper_ctx_trace_access,
                             .ctx_direct = helper_ctx_trace_direct};
    vm_run_add_region_desc(run, &creg);
    vm_run_add_region(run, cc->cb_key, sizeof cc->cb_key, VM_REGION_READ, 0, "callback key");
    for (uint32_t i = 0; i < env->n_map_regions; i++)
        if (vm_run_add_region_desc(run, &env->map_regions[i])) {
            rc = helper_err(err, errlen, -E2BIG, "too many map regions for one run");
            goto out;
        }

    uint32_t repeat = tr->repeat ? tr->repeat : 1;
    uint64_t first = __atomic_fetch_add(&env->runs, repeat, __ATOMIC_RELAXED);
    uint64_t step = env->opts.clock_step_ns;
    uint64_t clock = ev->now_ns ? ev->now_ns : env->opts.clock_ns + first * step;
    uint64_t t0 = mono_ns();
    for (uint32_t i = 0; i < repeat; i++, clock += step) {
        cc->now_ns = clock;
        cc->prog = prog;
        if ((rc = vm_run_exec(run))) {
            rc = helper_err(err, errlen, rc, "program '%s': %s", prog->info->name, run->errmsg);
            goto out;
        }
    }
    tr->total_ns = mono_ns() - t0;
    tr->duration_ns = tr->total_ns / repeat;
    tr->retval = (uint32_t)run->r0;
    tr->insns_executed = run->insns_executed;
out:
    if (cc) {
        tr->trace = cc->trace;
        tr->trace_len = cc->trace_len;
    }
    if (ctx)
        munmap(ctx, ctx_map);
    free(run);
    free(cc);
    return rc;
}

/* bpf_prog_test_run_raw_tp: ctx_in is the u64 arguments (at most 12), no
 * packet, no ctx_out, no repeat; the program runs once. */
int helper_test_run_raw_tp(struct helper_prog *prog, struct helper_test_run *tr, char *err,
                           size_t errlen)
{
    if (tr->data_in || tr->data_size_in || tr->repeat > 1)
        return helper_err(err, errlen, -EINVAL,
                         "raw tracepoint test runs take only ctx_in (the arguments): no packet, "
                         "no repeat");
    if (tr->ctx_size_in > HELPER_RAW_TP_ARGS * 8)
        return helper_err(err, errlen, -EINVAL,
                         "ctx_in: at most %u u64 arguments (%u bytes), got %zu bytes",
                         HELPER_RAW_TP_ARGS, HELPER_RAW_TP_ARGS * 8, tr->ctx_size_in);
    /* the kernel knows how far the program reads its context (verified
     * programs: the verdict says; an unverified run reads zeros instead) */
    const struct helper_verdict *v = &prog->verdict;
    if (v->accepted && tr->ctx_size_in < v->max_ctx_offset)
        return helper_err(err, errlen, -EINVAL,
                         "ctx_in: %zu bytes, the program reads its arguments up to byte %u",
                         tr->ctx_size_in, v->max_ctx_offset);
    struct helper_trace_event ev = {.ctx = tr->ctx_in, .ctx_size = tr->ctx_size_in, .cpu = tr->cpu};
    return helper_trace_run(prog, &ev, tr, err, errlen);
}
