/* tests/unit/test_verifier_soundness.c - what bpfemu's verifier accepts is
 * memory-safe: every accepted suite program (tests/verifier/) and every
 * accepted program of the corpus objects runs in the checked interpreter
 * on many generated packets, from empty and from randomly filled maps, and
 * no run may fault on a memory access (helper_test_run's -EFAULT: an
 * access outside everything the program may touch, or an uninitialised
 * stack read). Inputs a test run refuses (-EINVAL) are not runs.
 * And trusted code is the checked interpreter, faster: every accepted suite
 * program, verified and run trusted through the JIT, gives the same
 * results and maps as the checked interpreter on the same packets. */
#include <criterion/criterion.h>

#include "tests/unit/corpus_run.h"
#include "tests/unit/verifier_suite.h"
#include "jit/jit.h"
#include "tools/kdiff.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOUND_PACKETS 200  /* per program and map filling */
#define SOUND_FILLINGS 3   /* empty maps, then two random fillings */

static const char *suite_dir(void)
{
    const char *d = getenv("VERIFIER_SUITE");
    return d ? d : "verifier";
}

/* Run e on generated packets; the first fault in `why` (1), else 0. */
static int run_packets(struct kd_emu *e, uint64_t seed, char *why, size_t whylen,
                       unsigned *runs)
{
    uint8_t pkt[1600];
    for (unsigned fill = 0; fill < SOUND_FILLINGS; fill++) {
        if (fill)
            kd_seed_maps(e, NULL, seed * 31 + fill);
        for (unsigned j = 0; j < SOUND_PACKETS; j++) {
            size_t len = kd_random_packet(seed * 7919 + fill * 1000 + j, pkt, 1500);
            struct kd_input in = {pkt, len, NULL, 0, 0};
            struct kd_result r;
            kd_emu_run(e, &in, &r);
            int rc = r.rc;
            if (rc == -EFAULT)
                snprintf(why, whylen, "packet %u of filling %u (%zu bytes): %s", j, fill, len,
                         r.err);
            kd_result_free(&r);
            if (rc == -EFAULT)
                return 1;
            *runs += rc == 0;
        }
    }
    return 0;
}

/* A suite program as a raw program of bpfemu's runtime (its maps created
 * from the header), JIT-compiled when `jit`; NULL when the case has a
 * map-in-map (kd_emu_from_raw makes none) or a type test runs cannot take. */
static struct kd_emu *suite_emu(const struct vsuite_case *c, uint64_t seed, unsigned jit)
{
    for (unsigned m = 0; m < c->n_maps; m++)
        if (c->maps[m].inner)
            return NULL;
    struct gen_program gp;
    memset(&gp, 0, sizeof gp);
    gp.seed = seed;
    gp.prog_type = c->prog_type;
    gp.priv = c->priv;
    gp.prog = c->prog;
    gp.n_maps = c->n_maps;
    for (unsigned m = 0; m < c->n_maps; m++)
        gp.maps[m] = (struct gen_map){c->maps[m].type, c->maps[m].key_size, c->maps[m].value_size,
                                      c->maps[m].max_entries, c->maps[m].flags, 0, NULL};
    struct helper_env_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.ncpus = 1;
    eo.budget = 10000000;
    eo.jit = jit;
    struct kd_emu *e = NULL;
    char err[512];
    cr_assert_eq(kd_emu_from_raw(&gp, &eo, &e, err, sizeof err), 0, "%s: %s", c->name, err);
    return e;
}

static bool runnable_type(uint32_t t)
{
    return t == BPF_PROG_TYPE_XDP || t == BPF_PROG_TYPE_SCHED_CLS ||
           t == BPF_PROG_TYPE_SCHED_ACT || t == BPF_PROG_TYPE_SOCKET_FILTER;
}

Test(verifier_soundness, accepted_suite_programs_run_without_faults, .timeout = 600)
{
    unsigned n = 0, programs = 0, runs = 0, faults = 0;
    char **files = vsuite_list(suite_dir(), &n);
    cr_assert_not_null(files, "cannot read the suite directory %s", suite_dir());
    for (unsigned i = 0; i < n; i++) {
        char path[1024], err[512];
        snprintf(path, sizeof path, "%s/%s", suite_dir(), files[i]);
        struct vsuite_case c;
        cr_assert_eq(vsuite_load(path, &c, err, sizeof err), 0, "%s: %s", files[i], err);
        struct verifier_opts o;
        struct verifier_result r;
        vsuite_opts(&c, &o, 0);
        bool ok = verifier_check(c.prog, &o, &r) == 0 && r.accepted;
        verifier_result_free(&r);
        struct kd_emu *e = ok && runnable_type(c.prog_type) ? suite_emu(&c, i + 1, 0) : NULL;
        if (!e) {
            vsuite_free(&c);
            continue;
        }
        char why[512];
        if (run_packets(e, i + 1, why, sizeof why, &runs)) {
            cr_log_error("%s: accepted by the verifier, but its checked run faulted on %s",
                         files[i], why);
            faults++;
        }
        programs++;
        kd_emu_destroy(e);
        vsuite_free(&c);
    }
    vsuite_list_free(files);
    printf("verifier soundness: %u accepted suite programs, %u runs, %u faulted\n", programs,
           runs, faults);
    cr_expect_gt(programs, 100, "only %u accepted suite programs ran", programs);
    cr_expect_eq(faults, 0, "%u accepted suite programs faulted (see above)", faults);
}

Test(verifier_soundness, accepted_corpus_programs_run_without_faults, .timeout = 600)
{
    size_t nm;
    const struct corpus_entry *man = corpus_manifest(&nm);
    cr_assert(nm > 0, "no corpus manifest (make -C corpus)");
    unsigned programs = 0, runs = 0, faults = 0;
    for (size_t i = 0; i < nm; i++) {
        char path[512], err[1024];
        snprintf(path, sizeof path, "%s/%s.o", corpus_dir(), man[i].object);
        struct kd_emu *probe = NULL;
        struct helper_env_opts eo;
        memset(&eo, 0, sizeof eo);
        eo.ncpus = 1;
        eo.budget = 10000000;
        /* every program of the object: its own test-run entry point */
        cr_assert_eq(kd_emu_from_obj(path, man[i].prog, &eo, &probe, err, sizeof err), 0, "%s", err);
        struct verifier_map *maps = NULL;
        uint32_t n_maps = 0;
        cr_assert_eq(verifier_maps_of_object(probe->obj, &maps, &n_maps), 0);
        for (uint32_t p = 0; p < probe->obj->n_progs; p++) {
            const struct vm_obj_prog *pi = &probe->obj->progs[p];
            struct helper_prog *hp = helper_env_prog(probe->env, pi->name);
            cr_assert_not_null(hp);
            struct verifier_opts o = {.prog_type = helper_prog_type(hp),
                                      .expected_attach_type = pi->expected_attach_type,
                                      .maps = maps,
                                      .n_maps = n_maps};
            struct verifier_result r;
            bool ok = verifier_check(pi->prog, &o, &r) == 0 && r.accepted;
            verifier_result_free(&r);
            if (!ok)
                continue;
            struct kd_emu *e = NULL;
            cr_assert_eq(kd_emu_from_obj(path, pi->name, &eo, &e, err, sizeof err), 0, "%s", err);
            char why[512];
            if (run_packets(e, i * 100 + p + 1, why, sizeof why, &runs)) {
                cr_log_error("%s %s: accepted by the verifier, but its checked run faulted on %s",
                             man[i].object, pi->name, why);
                faults++;
            }
            programs++;
            kd_emu_destroy(e);
        }
        free(maps);
        kd_emu_destroy(probe);
    }
    printf("verifier soundness: %u accepted corpus programs, %u runs, %u faulted\n", programs,
           runs, faults);
    cr_expect_gt(programs, 10, "only %u accepted corpus programs ran", programs);
    cr_expect_eq(faults, 0, "%u accepted corpus programs faulted (see above)", faults);
}

/* Results comparable between two environments: no host address reaches
 * r0 or a map (what root may leak; CAP_BPF without CAP_PERFMON may not,
 * so a program that regime accepts leaks nothing). */
static bool leaks_nothing(const struct vsuite_case *c)
{
    struct verifier_opts o;
    struct verifier_result r;
    vsuite_opts(c, &o, 0);
    o.priv = VERIFIER_PRIV_BPF;
    bool ok = verifier_check(c->prog, &o, &r) == 0 && r.accepted;
    verifier_result_free(&r);
    return ok;
}

/* r0, packet, ctx and maps after each packet: checked interpreter vs the
 * verified program's trusted JIT code */
static int compare_trusted(struct kd_emu *chk, struct kd_emu *tru, uint64_t seed, char *why,
                           size_t whylen)
{
    uint8_t pkt[1600];
    kd_seed_maps(chk, NULL, seed);
    kd_seed_maps(tru, NULL, seed);
    for (unsigned j = 0; j < SOUND_PACKETS; j++) {
        size_t len = kd_random_packet(seed * 7919 + j, pkt, 1500);
        struct kd_input in = {pkt, len, NULL, 0, 0};
        struct kd_result a, b;
        struct kd_diff d;
        kd_emu_run(chk, &in, &a);
        kd_emu_run(tru, &in, &b);
        int c = kd_compare_results(&a, &b, &d);
        kd_result_free(&a);
        kd_result_free(&b);
        if (!c) {
            struct kd_maps ma, mb;
            kd_emu_dump(chk, &ma);
            kd_emu_dump(tru, &mb);
            c = kd_compare_maps(&ma, &mb, NULL, 0, &d);
            kd_maps_free(&ma);
            kd_maps_free(&mb);
        }
        if (c) {
            snprintf(why, whylen, "packet %u (%zu bytes): %.60s %.60s: checked %.150s, trusted JIT %.150s",
                     j, len, d.what, d.where, d.kernel, d.emu);
            return 1;
        }
    }
    return 0;
}

Test(verifier_soundness, trusted_jit_matches_the_checked_interpreter, .timeout = 600)
{
#if !defined(__x86_64__)
    cr_skip_test("the JIT is x86-64 only");
#endif
    unsigned n = 0, programs = 0, diffs = 0;
    char **files = vsuite_list(suite_dir(), &n);
    cr_assert_not_null(files);
    for (unsigned i = 0; i < n; i++) {
        char path[1024], err[512];
        snprintf(path, sizeof path, "%s/%s", suite_dir(), files[i]);
        struct vsuite_case c;
        cr_assert_eq(vsuite_load(path, &c, err, sizeof err), 0, "%s: %s", files[i], err);
        struct kd_emu *chk = NULL, *tru = NULL;
        if (runnable_type(c.prog_type) && c.expect_accept && leaks_nothing(&c))
            chk = suite_emu(&c, i + 1, 0);
        if (!chk) {
            vsuite_free(&c);
            continue;
        }
        tru = suite_emu(&c, i + 1, JIT_CHECKED);
        cr_assert_eq(helper_env_verify(tru->env, c.priv, err, sizeof err), 0, "%s", err);
        if (helper_prog_verdict(tru->prog)->accepted) {
            char why[1024];
            if (compare_trusted(chk, tru, i + 1, why, sizeof why)) {
                cr_log_error("%s: %s", files[i], why);
                diffs++;
            }
            programs++;
        }
        kd_emu_destroy(chk);
        kd_emu_destroy(tru);
        vsuite_free(&c);
    }
    vsuite_list_free(files);
    printf("trusted JIT vs checked interpreter: %u accepted suite programs, %u differ\n", programs,
           diffs);
    cr_expect_gt(programs, 90, "only %u accepted suite programs ran", programs);
    cr_expect_eq(diffs, 0, "%u accepted suite programs differ (see above)", diffs);
}
