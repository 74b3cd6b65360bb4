/* tools/cmd_fuzz.c - `bpfemu fuzz MODE`: a campaign of generated programs
 * (tools/gen.h) through the checks of tools/fuzz.h, in parallel worker
 * processes, with a live status line and a final summary. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/fuzz.h"
#include "tools/json.h"
#include "tools/kbpf.h"
#include "tools/tools.h"

static const char fuzz_help[] =
    "usage: bpfemu fuzz MODE [--seconds N | --count N] [--seed S] [--jobs N] [--out DIR]\n"
    "                        [--save DIR] [--type T] [--priv P] [--max-insns N]\n"
    "                        [--mutate PCT] [--inputs N] [--no-minimise] [--reject-diffs]\n"
    "                        [--json]\n"
    "       bpfemu fuzz MODE --replay SEED [same generator options]\n"
    "\n"
    "Generate eBPF programs (seeded, structured: register types tracked, packet\n"
    "accesses guarded by data_end checks, map lookups null-checked, bounded loops,\n"
    "subprogram and helper calls with typed arguments, then mutated at the edges\n"
    "of the verifier's rules) and check each one:\n"
    "\n"
    "modes:\n"
    "  verifier-diff      bpfemu's verifier against the running kernel's. bpfemu\n"
    "                     accepts / kernel rejects: a soundness bug; bpfemu rejects\n"
    "                     / kernel accepts: a precision gap. Each disagreement is\n"
    "                     minimised and deduplicated by the rule involved (the\n"
    "                     normalised first error line of the side that rejects).\n"
    "  runtime-soundness  kernel-accepted programs run in bpfemu's checked\n"
    "                     interpreter and in the kernel on generated packets and\n"
    "                     map contents: an out-of-bounds access in bpfemu is a\n"
    "                     candidate kernel verifier bug; a different retval,\n"
    "                     packet, ctx or map is a runtime difference.\n"
    "  jit-diff           accepted programs in bpfemu's interpreter and its JIT.\n"
    "  gen                only generate (to stdout, or --save DIR).\n"
    "\n"
    "options:\n"
    "  --seconds N      run for N seconds (default 60)\n"
    "  --count N        stop after N programs (instead of a time limit)\n"
    "  --seed S         campaign seed (default: from the clock, printed)\n"
    "  --jobs N         parallel worker processes (default 1)\n"
    "  --out DIR        write each distinct finding: DIR/KIND-HASH.s (the\n"
    "                   minimised program, verifier-suite format), .bin, and for\n"
    "                   runtime findings .pkt (the packet) and .maps.json (maps\n"
    "                   before it): `bpfemu kdiff` replays them\n"
    "  --save DIR       write every generated program (bytecode + disassembly)\n"
    "  --replay SEED    check the one program SEED (a finding's seed) verbosely\n"
    "  --type T         program type: xdp, tc, socket (default: a mix)\n"
    "  --priv P         root (default), bpf or unpriv (see bpfemu kdiff --help)\n"
    "  --max-insns N    soft limit on program length (default 160)\n"
    "  --mutate PCT     % of programs mutated (default 50)\n"
    "  --inputs N       runtime modes: packets per program (default 8)\n"
    "  --no-minimise    report findings as generated\n"
    "  --reject-diffs   verifier-diff: also report programs both verifiers reject\n"
    "                   with different first error lines\n"
    "  --json           the summary as JSON\n"
    "\n"
    "A status line (programs/s, kernel acceptance rate, findings) is shown while\n"
    "running when stderr is a terminal. Exit status: 0 no soundness finding (or\n"
    "runtime fault / JIT difference), 1 some, 2 bad usage or the mode cannot run\n"
    "here (no bpf(), no JIT).\n";

enum {
    OPT_HELP = 1, OPT_SECONDS, OPT_COUNT, OPT_SEED, OPT_JOBS, OPT_OUT, OPT_SAVE, OPT_REPLAY,
    OPT_TYPE, OPT_PRIV, OPT_MAX_INSNS, OPT_MUTATE, OPT_INPUTS, OPT_NO_MIN, OPT_REJECT_DIFFS,
    OPT_JSON,
};

#define MAX_JOBS 64
#define MAX_RULES 512

struct rule_tally {
    int kind;
    uint64_t hash;
    uint64_t count;
    uint64_t seed;
    uint32_t len;
    char rule[256];
    char file[120];
};

/* Shared between the parent and the workers (one anonymous mapping). */
struct shared {
    volatile int stop;
    pthread_mutex_t lock;
    struct fuzz_stats st[MAX_JOBS];
    uint32_t n_rules;
    struct rule_tally rules[MAX_RULES];
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    (void)sig;
    got_signal = 1;
}

static double now_s(void)
{
    return (double)cli_now_ns() / 1e9;
}

static void stats_sum(const struct shared *sh, unsigned jobs, struct fuzz_stats *t)
{
    memset(t, 0, sizeof(*t));
    for (unsigned w = 0; w < jobs; w++) {
        const struct fuzz_stats *s = &sh->st[w];
        t->programs += s->programs;
        t->kernel_known += s->kernel_known;
        t->kernel_accepted += s->kernel_accepted;
        t->emu_known += s->emu_known;
        t->emu_accepted += s->emu_accepted;
        t->agree += s->agree;
        t->soundness_safety += s->soundness_safety;
        t->runs += s->runs;
        t->skipped += s->skipped;
        t->nondeterministic += s->nondeterministic;
        t->kernel_slow += s->kernel_slow;
        for (int k = 0; k < FK_N; k++)
            t->findings[k] += s->findings[k];
    }
}

static double pct(uint64_t a, uint64_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

static const char *mode_name(enum fuzz_mode m)
{
    switch (m) {
    case FUZZ_VERIFIER_DIFF: return "verifier-diff";
    case FUZZ_RUNTIME: return "runtime-soundness";
    case FUZZ_JIT_DIFF: return "jit-diff";
    case FUZZ_GEN: return "gen";
    }
    return "?";
}

/* The generator options a replay needs ("--type xdp --priv root ..."). */
static void replay_args(const struct fuzz_opts *o, char *buf, size_t n)
{
    size_t l = 0;
    if (o->gen.prog_type)
        l += (size_t)snprintf(buf + l, n - l, "--type %s ", gen_prog_type_name(o->gen.prog_type));
    l += (size_t)snprintf(buf + l, n - l, "--priv %s", kbpf_priv_name(o->gen.priv));
    if (o->gen.max_insns && l < n)
        l += (size_t)snprintf(buf + l, n - l, " --max-insns %u", o->gen.max_insns);
    if (l < n)
        snprintf(buf + l, n - l, " --mutate %d", o->gen.mutate_pct);
}

static void record(struct shared *sh, const struct fuzz_opts *o, const struct fuzz_finding *f)
{
    uint64_t h = fuzz_rule_hash(f->kind, f->rule);
    pthread_mutex_lock(&sh->lock);
    uint32_t i = 0;
    while (i < sh->n_rules && !(sh->rules[i].hash == h && sh->rules[i].kind == f->kind))
        i++;
    if (i == sh->n_rules && sh->n_rules < MAX_RULES) {
        struct rule_tally *t = &sh->rules[sh->n_rules++];
        memset(t, 0, sizeof(*t));
        t->kind = f->kind;
        t->hash = h;
        t->seed = f->seed;
        t->len = f->prog.prog ? f->prog.prog->len : 0;
        snprintf(t->rule, sizeof t->rule, "%s", f->rule);
        if (o->out_dir)
            snprintf(t->file, sizeof t->file, "%s-%016llx.s", fuzz_kind_name(f->kind),
                     (unsigned long long)h);
    }
    if (i < sh->n_rules)
        sh->rules[i].count++;
    pthread_mutex_unlock(&sh->lock);
}

static void worker(struct shared *sh, unsigned w, unsigned jobs, const struct fuzz_opts *o,
                   uint64_t seed, uint64_t count, double deadline)
{
    struct fuzz_ctx *c;
    char err[256];
    if (fuzz_ctx_create(o, &c, err, sizeof err))
        return;
    char ra[128];
    replay_args(o, ra, sizeof ra);
    for (uint64_t i = w; !sh->stop; i += jobs) {
        if (count && i >= count)
            break;
        if (!count && now_s() >= deadline)
            break;
        struct fuzz_finding f;
        int rc = fuzz_one(c, fuzz_program_seed(seed, i), &sh->st[w], &f);
        if (rc == 1) {
            if (o->out_dir)
                fuzz_write_finding(o->out_dir, &f, mode_name(o->mode), ra);
            record(sh, o, &f);
            fuzz_finding_free(&f);
        } else if (rc == -EPERM) {
            break;
        }
    }
    fuzz_ctx_destroy(c);
}

static void status_line(const struct shared *sh, unsigned jobs, const struct fuzz_opts *o,
                        double elapsed)
{
    struct fuzz_stats t;
    stats_sum(sh, jobs, &t);
    if (o->mode == FUZZ_VERIFIER_DIFF)
        fprintf(stderr,
                "\r[%5.0fs] %" PRIu64 " programs (%.0f/s), kernel accepts %.1f%%, bpfemu %.1f%%; "
                "soundness %" PRIu64 ", precision %" PRIu64 ", distinct %u   ",
                elapsed, t.programs, elapsed > 0 ? (double)t.programs / elapsed : 0.0,
                pct(t.kernel_accepted, t.kernel_known), pct(t.emu_accepted, t.emu_known),
                t.findings[FK_SOUNDNESS], t.findings[FK_PRECISION], sh->n_rules);
    else
        fprintf(stderr,
                "\r[%5.0fs] %" PRIu64 " programs (%.0f/s), kernel accepts %.1f%%, %" PRIu64
                " runs; faults %" PRIu64 ", differences %" PRIu64 ", distinct %u   ",
                elapsed, t.programs, elapsed > 0 ? (double)t.programs / elapsed : 0.0,
                pct(t.kernel_accepted, t.kernel_known), t.runs, t.findings[FK_RUNTIME_FAULT],
                t.findings[FK_RUNTIME_DIFF] + t.findings[FK_JIT_DIFF], sh->n_rules);
    fflush(stderr);
}

static int cmp_tally(const void *a, const void *b)
{
    const struct rule_tally *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    return x->count < y->count ? 1 : x->count > y->count ? -1 : strcmp(x->rule, y->rule);
}

static void summary(struct shared *sh, unsigned jobs, const struct fuzz_opts *o, uint64_t seed,
                    double elapsed, bool json, bool kernel)
{
    struct fuzz_stats t;
    stats_sum(sh, jobs, &t);
    qsort(sh->rules, sh->n_rules, sizeof(sh->rules[0]), cmp_tally);
    if (json) {
        printf("{\"mode\": \"%s\", \"seed\": %" PRIu64 ", \"jobs\": %u, \"priv\": \"%s\", "
               "\"seconds\": %.1f, \"programs\": %" PRIu64 ", \"kernel\": %s, "
               "\"kernel_accepted\": %" PRIu64 ", \"kernel_acceptance\": %.2f, "
               "\"bpfemu_checked\": %" PRIu64 ", \"bpfemu_accepted\": %" PRIu64
               ", \"agree\": %" PRIu64 ", \"runs\": %" PRIu64 ", \"skipped\": %" PRIu64
               ", \"findings\": {",
               mode_name(o->mode), seed, jobs, kbpf_priv_name(o->gen.priv), elapsed, t.programs,
               kernel ? "true" : "false", t.kernel_accepted, pct(t.kernel_accepted, t.kernel_known),
               t.emu_known, t.emu_accepted, t.agree, t.runs, t.skipped);
        for (int k = 1; k < FK_N; k++)
            printf("%s\"%s\": %" PRIu64, k > 1 ? ", " : "", fuzz_kind_name(k), t.findings[k]);
        printf("}, \"soundness_safety\": %" PRIu64 ", \"distinct\": [", t.soundness_safety);
        for (uint32_t i = 0; i < sh->n_rules; i++) {
            const struct rule_tally *r = &sh->rules[i];
            printf("%s{\"kind\": \"%s\", \"count\": %" PRIu64 ", \"rule\": ", i ? ", " : "",
                   fuzz_kind_name(r->kind), r->count);
            json_print_str(stdout, r->rule);
            printf(", \"seed\": %" PRIu64 ", \"insns\": %u, \"file\": ", r->seed, r->len);
            if (r->file[0])
                json_print_str(stdout, r->file);
            else
                printf("null");
            printf("}");
        }
        printf("]}\n");
        return;
    }
    printf("fuzz %s: %" PRIu64 " programs in %.1f s (%.0f/s), seed %" PRIu64 ", %u job%s, priv %s\n",
           mode_name(o->mode), t.programs, elapsed, elapsed > 0 ? (double)t.programs / elapsed : 0.0,
           seed, jobs, jobs == 1 ? "" : "s", kbpf_priv_name(o->gen.priv));
    if (!kernel)
        printf("  kernel: not available here (%s)\n", kbpf_unavailable());
    if (t.kernel_known)
        printf("  kernel accepted    %8" PRIu64 " of %" PRIu64 " (%.1f%%)\n", t.kernel_accepted,
               t.kernel_known, pct(t.kernel_accepted, t.kernel_known));
    if (t.kernel_slow)
        printf("  kernel slow        %8" PRIu64 " (its verifier ran for more than 10 s: skipped, "
               "saved as kernel-slow-SEED.s with --out)\n", t.kernel_slow);
    if (o->mode == FUZZ_VERIFIER_DIFF) {
        if (t.emu_known)
            printf("  bpfemu accepted    %8" PRIu64 " of %" PRIu64 " (%.1f%%)\n", t.emu_accepted,
                   t.emu_known, pct(t.emu_accepted, t.emu_known));
        else
            printf("  bpfemu verifier:   not built in\n");
        if (t.kernel_known && t.emu_known) {
            printf("  verdicts agree     %8" PRIu64 " (%.1f%%)\n", t.agree, pct(t.agree, t.programs));
            printf("  soundness findings %8" PRIu64 " (bpfemu accepts, kernel rejects; %" PRIu64
                   " for a safety reason, EACCES)\n",
                   t.findings[FK_SOUNDNESS], t.soundness_safety);
            printf("  precision gaps     %8" PRIu64 " (bpfemu rejects, kernel accepts: %.2f%% of "
                   "kernel-accepted)\n",
                   t.findings[FK_PRECISION], pct(t.findings[FK_PRECISION], t.kernel_accepted));
            if (o->reject_diffs)
                printf("  reject differences %8" PRIu64 "\n", t.findings[FK_REJECT_DIFF]);
        }
    } else if (o->mode != FUZZ_GEN) {
        printf("  test runs compared %8" PRIu64 "\n", t.runs);
        if (o->mode == FUZZ_RUNTIME)
            printf("  runtime faults     %8" PRIu64 " (out-of-bounds in kernel-accepted programs)\n"
                   "  runtime diffs      %8" PRIu64 "\n",
                   t.findings[FK_RUNTIME_FAULT], t.findings[FK_RUNTIME_DIFF]);
        else
            printf("  JIT differences    %8" PRIu64 "\n", t.findings[FK_JIT_DIFF]);
        if (t.nondeterministic)
            printf("  not comparable     %8" PRIu64 " (differences in programs that read "
                   "uninitialised stack or leak pointers: CAP_BPF-only rejects them)\n",
                   t.nondeterministic);
        if (t.skipped)
            printf("  not checked        %8" PRIu64 "\n", t.skipped);
    }
    if (sh->n_rules) {
        printf("  distinct findings (%u):\n", sh->n_rules);
        for (uint32_t i = 0; i < sh->n_rules; i++) {
            const struct rule_tally *r = &sh->rules[i];
            printf("    %-13s %6" PRIu64 "x  %s  [seed %#" PRIx64 ", %u insns%s%s]\n",
                   fuzz_kind_name(r->kind), r->count, r->rule, r->seed, r->len,
                   r->file[0] ? ", " : "", r->file);
        }
    }
    fflush(stdout);
}

static bool parse_u64(const char *opt, const char *v, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 0);
    if (errno || !*v || *end) {
        cli_error(opt, "invalid value '%s' (expected an integer)", v);
        return false;
    }
    *out = x;
    return true;
}

int cmd_fuzz(int argc, char **argv)
{
    static const struct cli_opt opts[] = {
        {"--help", false, OPT_HELP},        {"-h", false, OPT_HELP},
        {"--seconds", true, OPT_SECONDS},   {"--count", true, OPT_COUNT},
        {"--seed", true, OPT_SEED},         {"--jobs", true, OPT_JOBS},
        {"--out", true, OPT_OUT},           {"--save", true, OPT_SAVE},
        {"--replay", true, OPT_REPLAY},     {"--type", true, OPT_TYPE},
        {"--priv", true, OPT_PRIV},         {"--max-insns", true, OPT_MAX_INSNS},
        {"--mutate", true, OPT_MUTATE},     {"--inputs", true, OPT_INPUTS},
        {"--no-minimise", false, OPT_NO_MIN}, {"--reject-diffs", false, OPT_REJECT_DIFFS},
        {"--json", false, OPT_JSON},        {NULL, false, 0},
    };
    struct cli_args a;
    cli_args_init(&a, argc, argv);
    struct fuzz_opts o;
    memset(&o, 0, sizeof o);
    o.gen.mutate_pct = 50;
    uint64_t seconds = 60, count = 0, seed = 0, jobs = 1, replay = 0, v;
    bool seed_set = false, replay_set = false, json = false;
    const char *mode = NULL, *val;
    int id;
    while ((id = cli_args_next(&a, opts, &val)) != CLI_OPT_END) {
        switch (id) {
        case CLI_OPT_ERROR: return CLI_EXIT_BAD_INPUT;
        case OPT_HELP: fputs(fuzz_help, stdout); return CLI_EXIT_OK;
        case CLI_OPT_POSITIONAL:
            if (mode) {
                cli_error("fuzz", "one mode only ('%s', '%s')", mode, val);
                return CLI_EXIT_BAD_INPUT;
            }
            mode = val;
            break;
        case OPT_SECONDS: if (!cli_parse_count_opt("--seconds", val, &seconds)) return CLI_EXIT_BAD_INPUT; break;
        case OPT_COUNT: if (!cli_parse_count_opt("--count", val, &count)) return CLI_EXIT_BAD_INPUT; break;
        case OPT_SEED: if (!parse_u64("--seed", val, &seed)) return CLI_EXIT_BAD_INPUT; seed_set = true; break;
        case OPT_JOBS:
            if (!cli_parse_count_opt("--jobs", val, &jobs))
                return CLI_EXIT_BAD_INPUT;
            if (jobs > MAX_JOBS) {
                cli_error("--jobs", "at most %d", MAX_JOBS);
                return CLI_EXIT_BAD_INPUT;
            }
            break;
        case OPT_OUT: o.out_dir = val; break;
        case OPT_SAVE: o.save_dir = val; break;
        case OPT_REPLAY: if (!parse_u64("--replay", val, &replay)) return CLI_EXIT_BAD_INPUT; replay_set = true; break;
        case OPT_TYPE:
            o.gen.prog_type = gen_prog_type_parse(val);
            if (!o.gen.prog_type) {
                cli_error("--type", "unknown program type '%s' (xdp, tc, socket)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            break;
        case OPT_PRIV:
            o.gen.priv = kbpf_priv_parse(val);
            if (o.gen.priv < 0) {
                cli_error("--priv", "unknown regime '%s' (root, bpf, unpriv)", val);
                return CLI_EXIT_BAD_INPUT;
            }
            break;
        case OPT_MAX_INSNS:
            if (!cli_parse_count_opt("--max-insns", val, &v))
                return CLI_EXIT_BAD_INPUT;
            o.gen.max_insns = (uint32_t)(v > 4000 ? 4000 : v);
            break;
        case OPT_MUTATE:
            if (!parse_u64("--mutate", val, &v) || v > 100) {
                cli_error("--mutate", "a percentage from 0 to 100");
                return CLI_EXIT_BAD_INPUT;
            }
            o.gen.mutate_pct = (int)v;
            break;
        case OPT_INPUTS: if (!cli_parse_count_opt("--inputs", val, &v)) return CLI_EXIT_BAD_INPUT; o.inputs = (unsigned)(v > 1000 ? 1000 : v); break;
        case OPT_NO_MIN: o.no_minimise = true; break;
        case OPT_REJECT_DIFFS: o.reject_diffs = true; break;
        case OPT_JSON: json = true; break;
        }
    }
    if (!mode) {
        cli_error("fuzz", "missing mode: verifier-diff, runtime-soundness, jit-diff or gen "
                  "(see bpfemu fuzz --help)");
        return CLI_EXIT_BAD_INPUT;
    }
    if (!strcmp(mode, "verifier-diff"))
        o.mode = FUZZ_VERIFIER_DIFF;
    else if (!strcmp(mode, "runtime-soundness") || !strcmp(mode, "runtime"))
        o.mode = FUZZ_RUNTIME;
    else if (!strcmp(mode, "jit-diff"))
        o.mode = FUZZ_JIT_DIFF;
    else if (!strcmp(mode, "gen"))
        o.mode = FUZZ_GEN;
    else {
        cli_error("fuzz", "unknown mode '%s' (verifier-diff, runtime-soundness, jit-diff, gen)", mode);
        return CLI_EXIT_BAD_INPUT;
    }
    if (o.mode == FUZZ_JIT_DIFF) {
        struct gen_program p;
        char err[256];
        struct kd_emu *e = NULL;
        int ok = gen_program(1, &(struct gen_opts){.deterministic = true, .mutate_pct = 0}, &p);
        if (!ok) {
            struct helper_env_opts eo = {.ncpus = 1};
            ok = kd_emu_from_raw(&p, &eo, &e, err, sizeof err);
            if (!ok)
                ok = kd_emu_enable_jit(e, err, sizeof err);
            kd_emu_destroy(e);
            gen_program_free(&p);
            if (ok) {
                cli_error("fuzz", "jit-diff: not available: %s", err);
                return CLI_EXIT_BAD_INPUT;
            }
        }
    }
    bool kernel = kbpf_unavailable() == NULL;
    if (o.mode == FUZZ_RUNTIME && !kernel) {
        cli_error("fuzz", "runtime-soundness needs the kernel: %s", kbpf_unavailable());
        return CLI_EXIT_BAD_INPUT;
    }
    if (o.mode == FUZZ_VERIFIER_DIFF && !kernel)
        fprintf(stderr, "bpfemu: fuzz: the kernel is not available (%s): only bpfemu's "
                        "verifier is exercised\n", kbpf_unavailable());
    if (o.mode == FUZZ_VERIFIER_DIFF && !kd_have_verifier())
        fprintf(stderr, "bpfemu: fuzz: bpfemu's verifier is not built in: only the kernel's "
                        "acceptance is measured\n");

    if (replay_set) {
        o.verbose = o.mode != FUZZ_GEN;
        struct fuzz_ctx *c;
        char err[256];
        if (fuzz_ctx_create(&o, &c, err, sizeof err))
            return CLI_EXIT_BAD_INPUT;
        struct fuzz_stats st;
        memset(&st, 0, sizeof st);
        struct fuzz_finding f;
        if (o.mode != FUZZ_GEN) {
            struct gen_program p;
            struct gen_opts go = o.gen;
            go.deterministic = o.mode != FUZZ_VERIFIER_DIFF;
            if (!gen_program(replay, &go, &p)) {
                char comment[512];
                snprintf(comment, sizeof comment, "seed %#llx\nshape %s\nmutation %s",
                         (unsigned long long)replay, p.shape, p.mutation[0] ? p.mutation : "none");
                gen_write_suite(stdout, &p, comment, NULL, NULL);
                gen_program_free(&p);
            }
        }
        int rc = fuzz_one(c, replay, &st, &f);
        if (rc == 1) {
            printf("==== %s finding (rule: %s)\n%s\n", fuzz_kind_name(f.kind), f.rule, f.detail);
            printf("---- minimised (%u -> %u insns)\n", f.orig_len, f.prog.prog->len);
            gen_write_suite(stdout, &f.prog, NULL, NULL, NULL);
            if (o.out_dir) {
                char ra[128];
                replay_args(&o, ra, sizeof ra);
                fuzz_write_finding(o.out_dir, &f, mode_name(o.mode), ra);
            }
            fuzz_finding_free(&f);
        } else if (rc == 0 && o.mode != FUZZ_GEN) {
            printf("==== no finding\n");
        }
        fuzz_ctx_destroy(c);
        return rc == 1 && (f.kind == FK_SOUNDNESS || f.kind == FK_RUNTIME_FAULT ||
                           f.kind == FK_JIT_DIFF) ? CLI_EXIT_RUN_FAILED : CLI_EXIT_OK;
    }
    if (!seed_set)
        seed = cli_now_ns() ^ ((uint64_t)getpid() << 32);
    if (o.mode == FUZZ_GEN && !count)
        count = 1;

    struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                             -1, 0);
    if (sh == MAP_FAILED) {
        cli_error("fuzz", "mmap: %s", strerror(errno));
        return CLI_EXIT_BAD_INPUT;
    }
    memset(sh, 0, sizeof(*sh));
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&sh->lock, &ma);

    int old_sysctl = -1;
    if (o.gen.priv == KBPF_PRIV_UNPRIV && kernel) {
        old_sysctl = kbpf_unpriv_sysctl_get();
        if (old_sysctl != 0 && kbpf_unpriv_sysctl_set(0) != 0) {
            cli_error("--priv", "unprivileged loads need kernel.unprivileged_bpf_disabled=0, which "
                      "cannot be set here");
            munmap(sh, sizeof(*sh));
            return CLI_EXIT_BAD_INPUT;
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    double t0 = now_s(), deadline = t0 + (double)seconds;
    unsigned started = 0;
    fflush(stdout);
    for (unsigned w = 0; w < jobs; w++) {
        pid_t pid = fork();
        if (pid == 0) {
            signal(SIGINT, SIG_IGN);
            if (kernel && kbpf_drop_privileges(o.gen.priv))
                _exit(3);
            /* per-CPU values and the CPU the kernel's test runs use: this
             * worker's own CPU */
            kd_pin_cpu_nth(w);
            worker(sh, w, (unsigned)jobs, &o, seed, count, deadline);
            fflush(stdout);
            _exit(0);
        }
        if (pid < 0) {
            cli_error("fuzz", "fork: %s", strerror(errno));
            break;
        }
        started++;
    }
    bool tty = isatty(2);
    unsigned running = started;
    double last = t0;
    while (running) {
        int st;
        pid_t p = waitpid(-1, &st, WNOHANG);
        if (p > 0) {
            running--;
            continue;
        }
        if (got_signal)
            sh->stop = 1;
        struct timespec ts = {0, 200000000};
        nanosleep(&ts, NULL);
        double t = now_s();
        if (tty && t - last >= 1.0) {
            status_line(sh, started, &o, t - t0);
            last = t;
        }
    }
    if (tty)
        fputc('\n', stderr);
    if (old_sysctl > 0)
        kbpf_unpriv_sysctl_set(old_sysctl);
    double elapsed = now_s() - t0;
    if (o.mode != FUZZ_GEN || o.save_dir)
        summary(sh, started, &o, seed, elapsed, json, kernel);
    struct fuzz_stats t;
    stats_sum(sh, started, &t);
    munmap(sh, sizeof(*sh));
    return t.findings[FK_SOUNDNESS] || t.findings[FK_RUNTIME_FAULT] || t.findings[FK_JIT_DIFF]
               ? CLI_EXIT_RUN_FAILED
               : CLI_EXIT_OK;
}
