/* Differential tests, interpreter vs JIT (checked code):
 *   - seeded random programs (tests/unit/prog_gen.h) on the regions of
 *     tests/unit/jit_diff.h, with random budgets: r0, error messages,
 *     insns_executed, every region's bytes and the helper calls must
 *     match; a failure prints the seed and the disassembly.
 *     JIT_DIFF_SEED=N JIT_DIFF_COUNT=M replay or extend the run.
 *   - every corpus program (../corpus/MANIFEST) on its capture and on
 *     mixed.pcap, through the runtime: per packet the retval, bytes, skb,
 *     ring buffer records, trace output and all maps must match. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <unistd.h>

#include "corpus_run.h"
#include "prog_gen.h"

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *v = getenv(name);
    return v && *v ? strtoull(v, NULL, 0) : dflt;
}

static void random_programs(uint64_t first, uint64_t count, unsigned flags)
{
    static struct bpf_insn prog[PG_MAX];
    uint64_t ok = 0, faulted = 0, budget = 0;
    for (uint64_t seed = first; seed < first + count; seed++) {
        struct pg_src src = {.rng = seed * 0x9e3779b97f4a7c15ull + 1};
        size_t n = pg_generate(&src, prog);
        struct jd_cfg cfg = {.jit_flags = flags};
        uint32_t b = pg_below(&src, 4);
        cfg.budget = b == 0 ? 1 + pg_below(&src, 300) : 20000;
        cfg.repeat = 1 + pg_below(&src, 2);
        cfg.no_on_call = pg_below(&src, 2);
        struct jd_out interp;
        char why[512];
        if (!jd_compare(prog, n, &cfg, &interp, why, sizeof why)) {
            struct vm_prog *p;
            char err[VM_ERR_LEN];
            char *text = NULL;
            if (vm_prog_from_bytes(prog, n * 8, "gen", &p, err, sizeof err) == 0) {
                text = vm_disasm_prog(p);
                vm_prog_free(p);
            }
            cr_assert_fail("random program, seed %" PRIu64 " (JIT_DIFF_SEED=%" PRIu64
                           " JIT_DIFF_COUNT=1), jit flags 0x%x, budget %" PRIu64 ": %s\n%s",
                           seed, seed, flags, cfg.budget, why, text ? text : "");
            free(text);
        }
        if (interp.rc == 0)
            ok++;
        else if (interp.rc == -E2BIG)
            budget++;
        else
            faulted++;
    }
    cr_log_info("%" PRIu64 " random programs from seed %" PRIu64 ": %" PRIu64 " returned, %" PRIu64
                " faulted, %" PRIu64 " ran out of budget", count, first, ok, faulted, budget);
    /* the generator must exercise all three outcomes */
    if (count >= 200) {
        cr_expect_gt(ok, count / 10);
        cr_expect_gt(faulted, count / 20);
        cr_expect_gt(budget, 0);
    }
}

Test(jit_diff, random_programs, .timeout = 600)
{
    random_programs(env_u64("JIT_DIFF_SEED", 1), env_u64("JIT_DIFF_COUNT", 3000), 0);
}

Test(jit_diff, random_programs_hardened, .timeout = 600)
{
    random_programs(env_u64("JIT_DIFF_SEED", 1) + 1000000, env_u64("JIT_DIFF_COUNT", 3000) / 3,
                    JIT_HARDEN);
}

Test(jit_diff, random_programs_no_bmi2, .timeout = 600)
{
    random_programs(env_u64("JIT_DIFF_SEED", 1) + 2000000, env_u64("JIT_DIFF_COUNT", 3000) / 3,
                    JIT_NO_BMI2);
}

/* ------------------------------------------------------------- corpus ---- */

/* every packet's printed result, then the maps, for one engine */
static char *corpus_transcript(const struct corpus_entry *e, const char *capture, bool jit,
                               size_t *npkts)
{
    char err[512], cap[512];
    struct corpus_ctx c;
    bool pace = strstr(e->opts, "-p") != NULL;
    cr_assert_eq(corpus_open(&c, e->object, e->prog, pace, err, sizeof err), 0, "%s", err);
    if (jit)
        cr_assert_eq(helper_env_set_jit(c.env, JIT_CHECKED, err, sizeof err), 0, "%s", err);
    snprintf(cap, sizeof cap, "%s/pcaps/%s", corpus_dir(), capture);
    struct corpus_pcap pc;
    cr_assert_eq(corpus_pcap_read(cap, &pc, err, sizeof err), 0, "%s", err);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    for (size_t i = 0; i < pc.n; i++) {
        struct corpus_result r;
        corpus_run_pkt(&c, &pc.pkts[i], &r);
        corpus_print_result(&c, i, &r, true, f);
        fprintf(f, "  rc %d err %s\n", r.rc, r.rc ? r.err : "");
        if (r.trace_len)
            fprintf(f, "  trace %.*s\n", (int)r.trace_len, r.trace);
        corpus_result_free(&r);
    }
    fprintf(f, "final maps:\n");
    corpus_dump_maps(&c, f);
    fclose(f);
    *npkts = pc.n;
    corpus_pcap_free(&pc);
    corpus_close(&c);
    return text;
}

static void corpus_diff(const struct corpus_entry *e, const char *capture)
{
    size_t ni, nj;
    char *a = corpus_transcript(e, capture, false, &ni);
    char *b = corpus_transcript(e, capture, true, &nj);
    cr_assert_eq(ni, nj);
    if (strcmp(a, b) != 0) {
        /* the first differing line */
        const char *p = a, *q = b;
        size_t line = 1;
        while (*p && *p == *q) {
            if (*p == '\n')
                line++;
            p++, q++;
        }
        cr_assert_fail("%s on %s: interpreter and JIT differ at line %zu:\n  interp: %.200s\n"
                       "  jit:    %.200s", e->object, capture, line, p, q);
    }
    cr_log_info("%s (%s) on %s: %zu packets identical", e->object, e->prog, capture, ni);
    free(a);
    free(b);
}

Test(jit_diff, corpus, .timeout = 600)
{
    size_t n;
    const struct corpus_entry *m = corpus_manifest(&n);
    if (!m || !n)
        cr_skip_test("SKIP: corpus not built (make -C corpus)");
    char probe[512];
    snprintf(probe, sizeof probe, "%s/%s.o", corpus_dir(), m[0].object);
    if (access(probe, R_OK) != 0)
        cr_skip_test("SKIP: corpus not built (make -C corpus): %s", probe);
    for (size_t i = 0; i < n; i++) {
        corpus_diff(&m[i], m[i].capture);
        corpus_diff(&m[i], "mixed.pcap");
    }
}
