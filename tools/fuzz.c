/* tools/fuzz.c - the checks of `bpfemu fuzz` on one generated program
 * (see fuzz.h): both verifiers, the runtime comparisons, minimisation of a
 * finding and writing it out. */
#include "tools/fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/kbpf.h"
#include "tools/tools.h"

const char *fuzz_kind_name(int kind)
{
    static const char *const n[FK_N] = {"none", "soundness", "precision", "reject-diff",
                                        "runtime-fault", "runtime-diff", "jit-diff"};
    return kind >= 0 && kind < FK_N ? n[kind] : "?";
}

/* ------------------------------------------------------------- context */

#define MAP_CACHE 64
#define FZ_LOG_SIZE (1u << 20)
#define FZ_LOAD_MS 10000u /* longer kernel verifications are skipped (and saved) */

struct cached_map {
    struct gen_map m;
    uint32_t prog_type; /* prog arrays belong to one program type */
    int fd;
};

#define SEEN 4096

struct fuzz_ctx {
    struct fuzz_opts o;
    bool kernel;
    uint64_t seen[SEEN];   /* rule hashes already minimised here (0: empty) */
    struct cached_map cache[MAP_CACHE];
    unsigned n_cache;
    char *log;
    struct kd_withheld withheld;
};

int fuzz_ctx_create(const struct fuzz_opts *o, struct fuzz_ctx **out, char *err, size_t errlen)
{
    *out = NULL;
    struct fuzz_ctx *c = calloc(1, sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->o = *o;
    if (!c->o.inputs)
        c->o.inputs = 8;
    c->log = malloc(FZ_LOG_SIZE);
    if (!c->log) {
        free(c);
        return -ENOMEM;
    }
    c->kernel = kbpf_unavailable() == NULL;
    /* probe now, with all privileges: workers may drop them */
    static const uint32_t types[] = {BPF_PROG_TYPE_XDP, BPF_PROG_TYPE_SCHED_CLS,
                                     BPF_PROG_TYPE_SOCKET_FILTER};
    for (size_t i = 0; c->kernel && i < sizeof types / sizeof types[0]; i++)
        kd_withheld(&c->withheld, types[i], 0);
    kd_set_load_timeout(FZ_LOAD_MS);
    (void)err, (void)errlen;
    *out = c;
    return 0;
}

void fuzz_ctx_destroy(struct fuzz_ctx *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->n_cache; i++)
        close(c->cache[i].fd);
    free(c->log);
    free(c);
}

bool fuzz_ctx_kernel(const struct fuzz_ctx *c)
{
    return c->kernel;
}

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t fuzz_program_seed(uint64_t campaign_seed, uint64_t i)
{
    return mix64(mix64(campaign_seed) ^ mix64(i + 1));
}

void fuzz_finding_free(struct fuzz_finding *f)
{
    if (!f)
        return;
    gen_program_free(&f->prog);
    free(f->input);
    f->input = NULL;
}

void fuzz_normalise(const char *in, char *out, size_t outlen)
{
    size_t k = 0;
    for (const char *p = in; *p && k + 2 < outlen; p++) {
        if (p[0] == '0' && p[1] == 'x') {
            while (p[1] && strchr("0123456789abcdefABCDEFx", p[1]))
                p++;
            if (!k || out[k - 1] != 'N')
                out[k++] = 'N';
            continue;
        }
        if (*p >= '0' && *p <= '9') {
            if (!k || out[k - 1] != 'N')
                out[k++] = 'N';
            continue;
        }
        out[k++] = *p;
    }
    out[k] = 0;
}

uint64_t fuzz_rule_hash(int kind, const char *rule)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;
    for (const unsigned char *p = (const unsigned char *)rule; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return mix64(h);
}

/* ---------------------------------------------------------- verdicts */

static int cached_fd(struct fuzz_ctx *c, const struct gen_map *m, uint32_t prog_type)
{
    uint32_t pt = m->type == BPF_MAP_TYPE_PROG_ARRAY ? prog_type : 0;
    for (unsigned i = 0; i < c->n_cache; i++)
        if (!memcmp(&c->cache[i].m, m, sizeof(*m)) && c->cache[i].prog_type == pt)
            return c->cache[i].fd;
    int fd = kbpf_map_create(m->type, m->key_size, m->value_size, m->max_entries, m->flags, NULL);
    if (fd < 0)
        return fd;
    c->cache[c->n_cache++] = (struct cached_map){*m, pt, fd};
    return fd;
}

/* The kernel's verdict, maps from the cache (verifier-diff: loads only). */
static int kernel_verify(struct fuzz_ctx *c, const struct gen_program *p, struct kd_verdict *v)
{
    memset(v, 0, sizeof(*v));
    v->processed = -1;
    int fds[GEN_MAX_MAPS];
    if (c->n_cache + p->n_maps > MAP_CACHE) {
        /* evicting one entry could close a map this program already uses */
        for (unsigned i = 0; i < c->n_cache; i++)
            close(c->cache[i].fd);
        c->n_cache = 0;
    }
    for (uint32_t i = 0; i < p->n_maps; i++) {
        fds[i] = cached_fd(c, &p->maps[i], p->prog_type);
        if (fds[i] < 0) {
            snprintf(v->error, sizeof v->error, "BPF_MAP_CREATE: %s", strerror(-fds[i]));
            return -ENOTSUP; /* this program is skipped, not the campaign */
        }
    }
    struct kbpf_load l = {
        .prog_type = p->prog_type,
        .insns = p->prog->insns,
        .insn_cnt = p->prog->len,
        .fd_array = p->n_maps ? fds : NULL,
        .log_level = 1,
        .log_buf = c->log,
        .log_size = FZ_LOG_SIZE,
    };
    int fd = kbpf_prog_load_timed(&l, FZ_LOAD_MS);
    if (fd == -ETIMEDOUT) {
        snprintf(v->error, sizeof v->error, "the kernel's verifier ran for more than %u ms",
                 FZ_LOAD_MS);
        return -ETIMEDOUT;
    }
    if (fd == -EPERM && p->priv == KBPF_PRIV_ROOT && kbpf_unavailable()) {
        snprintf(v->error, sizeof v->error, "bpf() not permitted");
        return -EPERM;
    }
    v->known = true;
    v->accepted = fd >= 0;
    v->err = fd < 0 ? -fd : 0;
    if (fd >= 0)
        close(fd);
    else
        kbpf_log_error(c->log, v->error, sizeof v->error);
    v->processed = kbpf_log_processed(c->log);
    if (c->o.verbose)
        v->log = strdup(c->log);
    return 0;
}

static void emu_verify(struct fuzz_ctx *c, const struct gen_program *p, struct kd_verdict *v)
{
    kd_emu_verify(p->prog, p->prog_type, 0, p->priv, p->maps, p->n_maps, c->o.verbose ? 1 : 0,
                  kd_withheld(&c->withheld, p->prog_type, 0), v);
}

/* What a pair of verdicts is: a finding kind (rule filled) or FK_NONE. */
static int classify(const struct fuzz_ctx *c, const struct kd_verdict *k, const struct kd_verdict *e,
                    char *rule, size_t rlen)
{
    rule[0] = 0;
    if (!k->known || !e->known)
        return FK_NONE;
    char a[256], b[256];
    if (!k->accepted && e->accepted) {
        if (k->error[0])
            fuzz_normalise(k->error, rule, rlen);
        else
            snprintf(rule, rlen, "(%s, empty log)", cli_errno_name(k->err));
        return FK_SOUNDNESS;
    }
    if (k->accepted && !e->accepted) {
        fuzz_normalise(e->error[0] ? e->error : "(no error line)", rule, rlen);
        return FK_PRECISION;
    }
    if (!k->accepted && !e->accepted && c->o.reject_diffs) {
        fuzz_normalise(k->error[0] ? k->error : cli_errno_name(k->err), a, sizeof a);
        fuzz_normalise(e->error[0] ? e->error : cli_errno_name(e->err), b, sizeof b);
        if (strcmp(a, b)) {
            snprintf(rule, rlen, "kernel: %.110s | bpfemu: %.110s", a, b);
            return FK_REJECT_DIFF;
        }
    }
    return FK_NONE;
}

static void verdict_text(char *out, size_t n, const char *who, const struct kd_verdict *v)
{
    if (!v->known)
        snprintf(out, n, "%s: unknown (%s)", who, v->error);
    else if (v->accepted)
        snprintf(out, n, "%s: accept (%ld insns processed)", who, v->processed);
    else
        snprintf(out, n, "%s: reject %s: %s", who, cli_errno_name(v->err),
                 v->error[0] ? v->error : "(empty log)");
}

/* True when kind+rule was seen before in this context (and marks it). */
static bool seen_before(struct fuzz_ctx *c, int kind, const char *rule)
{
    uint64_t h = fuzz_rule_hash(kind, rule) | 1;
    for (unsigned i = (unsigned)(h % SEEN), n = 0; n < SEEN; i = (i + 1) % SEEN, n++) {
        if (c->seen[i] == h)
            return true;
        if (!c->seen[i]) {
            c->seen[i] = h;
            return false;
        }
    }
    return true;
}

/* ---------------------------------------------------------- minimising */

typedef int (*fz_pred)(struct fuzz_ctx *c, const struct gen_program *p, void *arg, char *rule,
                       size_t rlen);

/* Delete instructions while pred still gives the same kind and rule. */
static void minimise(struct fuzz_ctx *c, struct gen_program *p, int kind, const char *rule,
                     fz_pred pred, void *arg)
{
    if (c->o.no_minimise || seen_before(c, kind, rule))
        return;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    unsigned evals = 0;
    uint32_t chunk = p->prog->len / 2;
    if (!chunk)
        chunk = 1;
    while (chunk >= 1 && evals < 3000) {
        bool progress = false;
        for (uint32_t i = 0; i + 1 < p->prog->len && evals < 3000;) {
            struct gen_program cand;
            if (gen_program_copy(p, &cand))
                return;
            uint32_t n = chunk;
            if (i + n >= cand.prog->len)
                n = cand.prog->len - 1 - i; /* keep the last instruction */
            if (n == 0 || gen_delete(&cand, i, n)) {
                gen_program_free(&cand);
                i += chunk;
                continue;
            }
            char r[256];
            evals++;
            int k = pred(c, &cand, arg, r, sizeof r);
            if (k == kind && !strcmp(r, rule)) {
                gen_program_free(p);
                *p = cand;
                progress = true;
            } else {
                gen_program_free(&cand);
                i += chunk;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if ((t1.tv_sec - t0.tv_sec) > 20)
            break;
        if (!progress) {
            if (chunk == 1)
                break;
            chunk /= 2;
        }
    }
}

/* ------------------------------------------------------- verifier-diff */

static int pred_verifier(struct fuzz_ctx *c, const struct gen_program *p, void *arg, char *rule,
                         size_t rlen)
{
    (void)arg;
    struct kd_verdict k, e;
    if (kernel_verify(c, p, &k))
        return -1;
    emu_verify(c, p, &e);
    int kind = classify(c, &k, &e, rule, rlen);
    kd_verdict_free(&k);
    kd_verdict_free(&e);
    return kind;
}

static void save_program(struct fuzz_ctx *c, const struct gen_program *p, const struct kd_verdict *k,
                         const struct kd_verdict *e)
{
    if (!c->o.save_dir)
        return;
    char stem[64], comment[1400], kt[400], et[400];
    snprintf(stem, sizeof stem, "prog-%016llx", (unsigned long long)p->seed);
    verdict_text(kt, sizeof kt, "kernel", k);
    verdict_text(et, sizeof et, "bpfemu", e);
    snprintf(comment, sizeof comment, "generated program, seed %#llx (replay: bpfemu fuzz gen "
             "--replay %#llx)\nshape %s\nmutation %s%s%s%s%s",
             (unsigned long long)p->seed, (unsigned long long)p->seed, p->shape,
             p->mutation[0] ? p->mutation : "none", k->known ? "\n" : "", k->known ? kt : "",
             e->known ? "\n" : "", e->known ? et : "");
    gen_save(p, c->o.save_dir, stem, comment,
             k->known ? (k->accepted ? "accept" : "reject") : NULL, k->known ? k->error : NULL);
}

static int check_verifier(struct fuzz_ctx *c, struct gen_program *p, struct fuzz_stats *st,
                          struct fuzz_finding *f)
{
    struct kd_verdict k, e;
    memset(&k, 0, sizeof k);
    if (c->kernel) {
        int krc = kernel_verify(c, p, &k);
        if (krc == -ETIMEDOUT) {
            st->skipped++;
            st->kernel_slow++;
            if (c->o.out_dir) {
                char stem[64], comment[256];
                snprintf(stem, sizeof stem, "kernel-slow-%016llx", (unsigned long long)p->seed);
                snprintf(comment, sizeof comment, "the kernel's verifier ran for more than %u ms "
                         "on this program (seed %#llx)", FZ_LOAD_MS, (unsigned long long)p->seed);
                gen_save(p, c->o.out_dir, stem, comment, NULL, NULL);
            }
            return 0;
        }
        if (krc) {
            st->skipped++;
            return krc;
        }
    }
    emu_verify(c, p, &e);
    st->kernel_known += k.known;
    st->kernel_accepted += k.known && k.accepted;
    st->emu_known += e.known;
    st->emu_accepted += e.known && e.accepted;
    char rule[256];
    int kind = classify(c, &k, &e, rule, sizeof rule);
    st->agree += k.known && e.known && k.accepted == e.accepted;
    save_program(c, p, &k, &e);
    if (c->o.verbose) {
        char kt[400], et[400];
        verdict_text(kt, sizeof kt, "kernel", &k);
        verdict_text(et, sizeof et, "bpfemu", &e);
        printf("---- kernel verifier log\n%s---- bpfemu verifier log\n%s----\n%s\n%s\n",
               k.log ? k.log : "(none)\n", e.log ? e.log : "(none)\n", kt, et);
    }
    if (kind == FK_NONE) {
        kd_verdict_free(&k);
        kd_verdict_free(&e);
        return 0;
    }
    st->findings[kind]++;
    if (kind == FK_SOUNDNESS && k.err == EACCES)
        st->soundness_safety++;
    memset(f, 0, sizeof(*f));
    f->kind = kind;
    f->seed = p->seed;
    f->orig_len = p->prog->len;
    snprintf(f->rule, sizeof f->rule, "%s", rule);
    f->prog = *p;
    p->prog = NULL;
    minimise(c, &f->prog, kind, rule, pred_verifier, NULL);
    /* the verdicts of the minimised program */
    struct kd_verdict mk, me;
    memset(&mk, 0, sizeof mk);
    if (c->kernel)
        kernel_verify(c, &f->prog, &mk);
    emu_verify(c, &f->prog, &me);
    char kt[400], et[400];
    verdict_text(kt, sizeof kt, "kernel", &mk);
    verdict_text(et, sizeof et, "bpfemu", &me);
    snprintf(f->detail, sizeof f->detail, "%s\n%s", kt, et);
    kd_verdict_free(&mk);
    kd_verdict_free(&me);
    kd_verdict_free(&k);
    kd_verdict_free(&e);
    return 1;
}

/* -------------------------------------------------------- runtime modes */

/* Does the kernel accept p under another privilege regime? Forks a child
 * that drops its capabilities: 1 yes, 0 no, -1 cannot tell. Runtime
 * differences are only reported for programs CAP_BPF-only accepts too:
 * that regime rejects reads of uninitialised stack and pointer leaks, the
 * two ways a root program's results depend on more than its inputs. */
static int kernel_accepts_as(const struct gen_program *p, int priv)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (kbpf_drop_privileges(priv))
            _exit(2);
        int fds[GEN_MAX_MAPS];
        for (uint32_t i = 0; i < p->n_maps; i++) {
            const struct gen_map *m = &p->maps[i];
            fds[i] = kbpf_map_create(m->type, m->key_size, m->value_size, m->max_entries, m->flags,
                                     NULL);
            if (fds[i] < 0)
                _exit(2);
        }
        struct kbpf_load l = {.prog_type = p->prog_type, .insns = p->prog->insns,
                              .insn_cnt = p->prog->len, .fd_array = p->n_maps ? fds : NULL};
        int fd = kbpf_prog_load_timed(&l, FZ_LOAD_MS);
        _exit(fd >= 0 ? 0 : fd == -ETIMEDOUT ? 2 : 1);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) > 1)
        return -1;
    return WEXITSTATUS(st) == 0;
}

struct rt_arg {
    bool jit;
    uint32_t upto;       /* packets to run (minimisation: the finding's index + 1) */
    uint32_t at;         /* out: the packet of the finding */
    char detail[1400];   /* out */
};

void fuzz_packet(uint64_t seed, uint32_t j, uint8_t *buf, size_t *len)
{
    *len = kd_random_packet(fuzz_program_seed(seed, j), buf, 1500);
}

/* Run p in the kernel and bpfemu (or interpreter and JIT) on packets
 * 0..a->upto-1: the first finding's kind, rule in `rule`. -1: cannot run. */
static int runtime_compare(struct fuzz_ctx *c, const struct gen_program *p, void *arg, char *rule,
                           size_t rlen, struct fuzz_stats *st)
{
    struct rt_arg *a = arg;
    rule[0] = 0;
    a->detail[0] = 0;
    char err[512];
    struct kd_kernel *k = NULL;
    struct kd_emu *e = NULL, *e2 = NULL;
    struct kd_verdict kv;
    memset(&kv, 0, sizeof kv);
    int kind = FK_NONE;
    if (c->kernel) {
        if (kd_kernel_load_raw(p, 0, &k, &kv, err, sizeof err))
            return -1;
        if (st) {
            st->kernel_known++;
            st->kernel_accepted += kv.accepted;
        }
        if (!kv.accepted) {
            kd_kernel_destroy(k);
            kd_verdict_free(&kv);
            return FK_NONE;
        }
    } else if (a->jit) {
        struct kd_verdict ev;
        emu_verify(c, p, &ev);
        bool ok = !ev.known || ev.accepted;
        if (st && ev.known) {
            st->emu_known++;
            st->emu_accepted += ev.accepted;
        }
        kd_verdict_free(&ev);
        if (!ok)
            return FK_NONE;
    } else {
        return -1;
    }
    struct helper_env_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.ncpus = 1;
    eo.budget = 50000000;
    if (kd_emu_from_raw(p, &eo, &e, err, sizeof err)) {
        snprintf(a->detail, sizeof a->detail, "bpfemu cannot instantiate it: %s", err);
        kind = -1;
        goto out;
    }
    if (a->jit) {
        /* the JIT as verified programs run it: trusted code when bpfemu's
         * verifier accepts the program, checked code otherwise */
        if (kd_emu_from_raw(p, &eo, &e2, err, sizeof err) || kd_emu_enable_jit(e2, err, sizeof err) ||
            helper_env_verify(e2->env, p->priv, err, sizeof err)) {
            snprintf(a->detail, sizeof a->detail, "JIT: %s", err);
            kind = -1;
            goto out;
        }
        kd_seed_maps(e, NULL, p->seed);
        kd_seed_maps(e2, NULL, p->seed);
    } else {
        kd_seed_maps(e, k, p->seed);
    }
    kd_set_prog_type(p->prog_type);
    uint8_t pkt[1600];
    for (uint32_t j = 0; j < a->upto && kind == FK_NONE; j++) {
        size_t len;
        fuzz_packet(p->seed, j, pkt, &len);
        struct kd_input in = {pkt, len, NULL, 0, 0};
        struct kd_result r1, r2;
        struct kd_diff d;
        if (a->jit) {
            kd_emu_run(e, &in, &r1);
            kd_emu_run(e2, &in, &r2);
        } else {
            kd_kernel_run(k, &in, &r1);
            kd_emu_run(e, &in, &r2);
        }
        if (st)
            st->runs++;
        const char *w1 = a->jit ? "interpreter" : "kernel", *w2 = a->jit ? "JIT" : "bpfemu";
        if (!a->jit && r1.rc == 0 && r2.rc == -EFAULT) {
            kind = FK_RUNTIME_FAULT;
            char msg[256];
            /* the instruction's position is not part of the rule */
            const char *m = strstr(r2.err, "): ");
            fuzz_normalise(m ? m + 3 : r2.err, msg, sizeof msg);
            snprintf(rule, rlen, "%s", msg);
            snprintf(a->detail, sizeof a->detail,
                     "packet %u (%zu bytes): the kernel ran it (retval %u); bpfemu's checked run "
                     "faulted: %s", j, len, r1.retval, r2.err);
        } else if (a->jit && (r1.rc != r2.rc || (r1.rc && strcmp(r1.err, r2.err)))) {
            kind = FK_JIT_DIFF;
            snprintf(rule, rlen, "result: %s vs %s", r1.rc ? cli_errno_name(r1.rc) : "ok",
                     r2.rc ? cli_errno_name(r2.rc) : "ok");
            snprintf(a->detail, sizeof a->detail, "packet %u (%zu bytes):\n  %s: %s\n  %s: %s", j,
                     len, w1, r1.rc ? r1.err : "ran", w2, r2.rc ? r2.err : "ran");
        } else if (kd_compare_results(&r1, &r2, &d)) {
            kind = a->jit ? FK_JIT_DIFF : FK_RUNTIME_DIFF;
            char w[160];
            fuzz_normalise(d.where, w, sizeof w);
            if (!strcmp(d.what, "test run")) {
                /* which side refused or faulted, and how */
                const char *m1 = r1.rc ? strstr(r1.err, "): ") : NULL;
                const char *m2 = r2.rc ? strstr(r2.err, "): ") : NULL;
                snprintf(rule, rlen, "%s test run: %s %s / %s %.150s", gen_prog_type_name(p->prog_type),
                         w1, r1.rc ? cli_errno_name(r1.rc) : "ran", w2,
                         r2.rc ? (m2 ? m2 + 3 : r2.err) : "ran");
                (void)m1;
            } else {
                snprintf(rule, rlen, "%s %s %s", gen_prog_type_name(p->prog_type), d.what, w);
            }
            snprintf(a->detail, sizeof a->detail, "packet %u (%zu bytes): %s %s differs\n  %s: %.400s\n  %s: %.400s",
                     j, len, d.what, d.where, w1, d.kernel, w2, d.emu);
        } else {
            struct kd_maps m1, m2;
            if (a->jit)
                kd_emu_dump(e, &m1);
            else
                kd_kernel_dump(k, &m1);
            kd_emu_dump(a->jit ? e2 : e, &m2);
            if (kd_compare_maps(&m1, &m2, NULL, 0, &d)) {
                kind = a->jit ? FK_JIT_DIFF : FK_RUNTIME_DIFF;
                snprintf(rule, rlen, "%s %s", gen_prog_type_name(p->prog_type), d.what);
                snprintf(a->detail, sizeof a->detail,
                         "packet %u (%zu bytes): %s %s differs after the run\n  %s: %.400s\n  %s: %.400s", j,
                         len, d.what, d.where, w1, d.kernel, w2, d.emu);
            }
            kd_maps_free(&m1);
            kd_maps_free(&m2);
        }
        bool value_diff = kind == FK_RUNTIME_DIFF || (kind == FK_JIT_DIFF && strstr(rule, "result:") != rule);
        if (value_diff && c->kernel && kernel_accepts_as(p, KBPF_PRIV_BPF) != 1) {
            /* may read uninitialised stack or leak a pointer: not comparable */
            if (st)
                st->nondeterministic++;
            kind = FK_NONE;
            j = a->upto;
        }
        if (kind != FK_NONE) {
            a->at = j;
            char n[256];
            fuzz_normalise(rule, n, sizeof n);
            snprintf(rule, rlen, "%s", n);
        }
        kd_result_free(&r1);
        kd_result_free(&r2);
    }
out:
    kd_emu_destroy(e);
    kd_emu_destroy(e2);
    kd_kernel_destroy(k);
    kd_verdict_free(&kv);
    return kind;
}

static int pred_runtime(struct fuzz_ctx *c, const struct gen_program *p, void *arg, char *rule,
                        size_t rlen)
{
    return runtime_compare(c, p, arg, rule, rlen, NULL);
}

static int check_runtime(struct fuzz_ctx *c, struct gen_program *p, struct fuzz_stats *st,
                         struct fuzz_finding *f, bool jit)
{
    struct rt_arg a = {.jit = jit, .upto = c->o.inputs};
    char rule[256];
    int kind = runtime_compare(c, p, &a, rule, sizeof rule, st);
    if (c->o.save_dir) {
        struct kd_verdict none;
        memset(&none, 0, sizeof none);
        save_program(c, p, &none, &none);
    }
    if (kind < 0) {
        st->skipped++;
        if (c->o.verbose && a.detail[0])
            printf("skipped: %s\n", a.detail);
        return -EINVAL;
    }
    if (kind == FK_NONE)
        return 0;
    st->findings[kind]++;
    memset(f, 0, sizeof(*f));
    f->kind = kind;
    f->seed = p->seed;
    f->orig_len = p->prog->len;
    snprintf(f->rule, sizeof f->rule, "%s", rule);
    f->prog = *p;
    p->prog = NULL;
    struct rt_arg m = {.jit = jit, .upto = a.at + 1};
    minimise(c, &f->prog, kind, rule, pred_runtime, &m);
    /* details of the minimised program */
    struct rt_arg fin = {.jit = jit, .upto = a.at + 1};
    char r2[256];
    runtime_compare(c, &f->prog, &fin, r2, sizeof r2, NULL);
    snprintf(f->detail, sizeof f->detail, "%s", fin.detail[0] ? fin.detail : a.detail);
    uint8_t pkt[1600];
    size_t len;
    fuzz_packet(p->seed, fin.detail[0] ? fin.at : a.at, pkt, &len);
    f->input = malloc(len);
    if (f->input) {
        memcpy(f->input, pkt, len);
        f->input_len = len;
    }
    return 1;
}

/* ------------------------------------------------------------- driver */

int fuzz_one(struct fuzz_ctx *c, uint64_t seed, struct fuzz_stats *st, struct fuzz_finding *f)
{
    struct gen_program p;
    struct gen_opts go = c->o.gen;
    if (c->o.mode == FUZZ_RUNTIME || c->o.mode == FUZZ_JIT_DIFF)
        go.deterministic = true;
    int rc = gen_program(seed, &go, &p);
    if (rc)
        return rc;
    st->programs++;
    switch (c->o.mode) {
    case FUZZ_VERIFIER_DIFF: rc = check_verifier(c, &p, st, f); break;
    case FUZZ_RUNTIME: rc = check_runtime(c, &p, st, f, false); break;
    case FUZZ_JIT_DIFF: rc = check_runtime(c, &p, st, f, true); break;
    case FUZZ_GEN:
        if (c->o.save_dir) {
            struct kd_verdict none;
            memset(&none, 0, sizeof none);
            save_program(c, &p, &none, &none);
        } else {
            char comment[512];
            snprintf(comment, sizeof comment, "seed %#llx\nshape %s\nmutation %s",
                     (unsigned long long)seed, p.shape, p.mutation[0] ? p.mutation : "none");
            gen_write_suite(stdout, &p, comment, NULL, NULL);
        }
        rc = 0;
        break;
    }
    gen_program_free(&p);
    return rc;
}
