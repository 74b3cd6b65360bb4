/* tests/unit/test_trace_kernel.c - tracing programs against the running
 * kernel. Raw tracepoints are the one tracing type BPF_PROG_TEST_RUN runs
 * (ctx_in = the u64 arguments): the corpus raw_tp program runs in the
 * kernel and in bpfemu on the same argument vectors, from the same maps,
 * and retval and every map (hash, LRU hash, .bss, .rodata) must agree
 * after each run; the kernel's refusals (short ctx_in, a packet) too.
 * Kprobe and tracepoint programs cannot be test-run: for them the
 * differential is the verdict of BPF_PROG_LOAD (every tracing corpus
 * program accepted by both). SKIP lines where bpf() is not permitted. */
#include <criterion/criterion.h>

#include "tools/kdiff.h"
#include "tools/kobj.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define CORPUS "../corpus/build/"

/* bpfemu's task is this process, as the kernel's test run sees it. */
static void task_opts(struct helper_env_opts *eo)
{
    memset(eo, 0, sizeof *eo);
    eo->ncpus = 1;
    eo->task_given = true;
    eo->pid = (uint32_t)gettid();
    eo->tgid = (uint32_t)getpid();
    eo->uid = getuid();
    eo->gid = getgid();
    prctl(PR_GET_NAME, eo->comm);
}

/* Load `obj` into the kernel; false (after a SKIP line) when bpf() is not
 * permitted here. */
static bool kernel_load(const char *obj, struct kd_kernel **k, struct kd_verdict *v)
{
    char err[512];
    int rc = kd_kernel_load_obj(obj, NULL, 0, 1, k, v, NULL, NULL, err, sizeof err);
    if (rc == -EPERM || rc == -ENOSYS || (rc && strstr(err, "not permitted"))) {
        printf("SKIP: tracing kernel differential: %s: %s\n", obj, err);
        return false;
    }
    cr_assert_eq(rc, 0, "%s: %s", obj, err);
    return true;
}

Test(trace_kernel, raw_tp_runs_agree_with_the_kernel, .timeout = 120)
{
    const char *obj = CORPUS "rawtp_syscalls.o";
    struct kd_kernel *k = NULL;
    struct kd_verdict kv = {0};
    kd_pin_cpu();
    if (!kernel_load(obj, &k, &kv)) {
        kd_verdict_free(&kv);
        cr_skip_test("bpf() not permitted");
    }
    cr_assert(kv.accepted, "the kernel rejects %s: %s", obj, kv.error);
    struct helper_env_opts eo;
    task_opts(&eo);
    struct kd_emu *e = NULL;
    char err[512];
    cr_assert_eq(kd_emu_from_obj(obj, NULL, &eo, &e, err, sizeof err), 0, "%s", err);
    cr_assert_eq(helper_env_verify(e->env, 0, err, sizeof err), 0, "%s", err);
    cr_assert(helper_prog_verdict(e->prog)->accepted, "%s", helper_prog_verdict(e->prog)->error);
    kd_set_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT);

    /* (regs, id) vectors: repeated ids, the max_id boundary, huge ids,
     * extra arguments; then inputs the kernel refuses */
    static const uint64_t ids[] = {0, 1, 1, 59, 257, 511, 512, 513, 1000, 0xffffffffffffffffull,
                                   3, 59, 0x100000000ull, 512, 2};
    unsigned runs = 0;
    for (size_t i = 0; i < sizeof ids / sizeof ids[0] + 3; i++) {
        uint64_t args[12] = {0xffffc90000123f58ull, 0, 7, 8, 9};
        size_t nargs = 2 + i % 4;
        const uint8_t pkt[14] = {0};
        struct kd_input in = {.ctx = (const uint8_t *)args, .ctx_len = nargs * 8};
        if (i < sizeof ids / sizeof ids[0]) {
            args[1] = ids[i];
        } else if (i == sizeof ids / sizeof ids[0]) {
            in.ctx_len = 8; /* shorter than the program reads: -EINVAL */
        } else if (i == sizeof ids / sizeof ids[0] + 1) {
            in.ctx_len = 13 * 8; /* more than 12 arguments: -EINVAL */
            uint64_t many[13] = {0};
            in.ctx = (const uint8_t *)many;
            struct kd_result kr, er;
            kd_kernel_run(k, &in, &kr);
            kd_emu_run(e, &in, &er);
            cr_expect_eq(kr.rc, -EINVAL, "13 arguments: kernel %d", kr.rc);
            cr_expect_eq(er.rc, -EINVAL, "13 arguments: bpfemu %d (%s)", er.rc, er.err);
            kd_result_free(&kr);
            kd_result_free(&er);
            continue;
        } else {
            in.data = pkt; /* kd_*_run drop a packet for raw_tp: both run */
            in.len = sizeof pkt;
        }
        struct kd_result kr, er;
        kd_kernel_run(k, &in, &kr);
        kd_emu_run(e, &in, &er);
        struct kd_diff d;
        cr_expect_eq(kr.rc, er.rc, "vector %zu: kernel rc %d (%s), bpfemu rc %d (%s)", i, kr.rc,
                     kr.err, er.rc, er.err);
        if (!kr.rc && !er.rc) {
            cr_expect_eq(kd_compare_results(&kr, &er, &d), 0, "vector %zu: %s %s: kernel %s, "
                         "bpfemu %s", i, d.what, d.where, d.kernel, d.emu);
            runs++;
        }
        kd_result_free(&kr);
        kd_result_free(&er);
        struct kd_maps km = {0}, em = {0};
        kd_kernel_dump(k, &km);
        kd_emu_dump(e, &em);
        cr_expect_eq(kd_compare_maps(&km, &em, NULL, 0, &d), 0,
                     "after vector %zu: map %s %s: kernel %s, bpfemu %s", i, d.what, d.where,
                     d.kernel, d.emu);
        kd_maps_free(&km);
        kd_maps_free(&em);
    }
    printf("raw_tp kernel differential: %u runs agree (retval and maps)\n", runs);
    cr_expect_gt(runs, 10);
    kd_emu_destroy(e);
    kd_kernel_destroy(k);
    kd_verdict_free(&kv);
}

/* Kprobe and tracepoint programs: BPF_PROG_LOAD's verdict is the
 * differential (the kernel cannot run them on a chosen event). */
Test(trace_kernel, tracing_corpus_programs_load_in_both, .timeout = 120)
{
    static const char *const objs[] = {"trace_kill", "kprobe_open", "rawtp_syscalls", "tp_exec"};
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++) {
        char path[256], err[512];
        snprintf(path, sizeof path, CORPUS "%s.o", objs[i]);
        struct kd_kernel *k = NULL;
        struct kd_verdict kv = {0};
        if (!kernel_load(path, &k, &kv)) {
            kd_verdict_free(&kv);
            cr_skip_test("bpf() not permitted");
        }
        struct helper_env_opts eo = {.ncpus = 1};
        struct kd_emu *e = NULL;
        cr_assert_eq(kd_emu_from_obj(path, NULL, &eo, &e, err, sizeof err), 0, "%s", err);
        cr_assert_eq(helper_env_verify(e->env, 0, err, sizeof err), 0, "%s", err);
        const struct helper_verdict *bv = helper_prog_verdict(e->prog);
        cr_expect(kv.accepted, "%s: the kernel rejects it: %s", objs[i], kv.error);
        cr_expect(bv->accepted, "%s: bpfemu rejects it: %s", objs[i], bv->error);
        kd_emu_destroy(e);
        kd_kernel_destroy(k);
        kd_verdict_free(&kv);
    }
}
