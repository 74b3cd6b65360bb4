/* tests/unit/test_corpus_kernel.c - the differential test: every corpus
 * program (../corpus/MANIFEST) on its capture and on mixed.pcap, in the
 * real kernel and in bpfemu, compared packet by packet.
 *
 * Kernel side: ../corpus/build/kernel-run -m (BPF_PROG_TEST_RUN per packet;
 * after each packet the ring buffer records, the __sk_buff fields the kernel
 * copies back and every map, sorted). Exit status 2 means bpf() is not
 * permitted here: the test is skipped with a SKIP line.
 *
 * bpfemu side: the same packets and initial maps through the calls `bpfemu
 * run` makes (vm_object_load_elf, helper_env_create, map_json_load,
 * helper_test_run) on one environment, printed in kernel-run's format by
 * corpus_print_result. Every line must be identical: retval, data_out,
 * refused inputs (EINVAL), ring buffer records, skb fields, map contents -
 * except the bytes masked by tests/kernel/known-differences.txt, which says
 * why each one cannot agree.
 *
 * The CLI itself is checked on the first packet of every capture: `bpfemu
 * run OBJ --section PROG --data PKT --map-in JSON --json` must print the
 * kernel's retval and data_out ($BPFEMU, default ../build/bpfemu). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/corpus_run.h"
#include "tools/json.h"

struct kd_param {
    char object[64], prog[64], capture[64], opts[64];
};

/* ------------------------------------------------------- known differences */

struct kd_rule {
    char object[64], capture[64], kind[16], name[64];
    int first, last; /* byte range; -1 for skb fields */
};

static size_t load_rules(struct kd_rule *rules, size_t max)
{
    FILE *f = fopen("kernel/known-differences.txt", "r");
    cr_assert_not_null(f, "tests/kernel/known-differences.txt: %s", strerror(errno));
    char line[1024];
    size_t n = 0;
    while (fgets(line, sizeof line, f) && n < max) {
        line[strcspn(line, "#\n")] = 0;
        struct kd_rule *r = &rules[n];
        char bytes[32];
        int k = sscanf(line, "%63s %63s %15s %63s %31s", r->object, r->capture, r->kind, r->name,
                       bytes);
        if (k <= 0)
            continue;
        cr_assert_eq(k, 5, "known-differences.txt: bad rule '%s'", line);
        if (!strcmp(bytes, "-"))
            r->first = r->last = -1;
        else
            cr_assert_eq(sscanf(bytes, "%d-%d", &r->first, &r->last), 2,
                         "known-differences.txt: bad byte range '%s'", bytes);
        n++;
    }
    fclose(f);
    return n;
}

static bool glob_eq(const char *pat, const char *s)
{
    return !strcmp(pat, "*") || !strcmp(pat, s);
}

/* Mask what the rules cover in one "  map/ringbuf/skb ..." line (in place). */
static void mask_line(char *line, const struct kd_rule *rules, size_t n, const char *object,
                      const char *capture)
{
    for (size_t i = 0; i < n; i++) {
        const struct kd_rule *r = &rules[i];
        if (!glob_eq(r->object, object) || !glob_eq(r->capture, capture))
            continue;
        char kind[16], name[256];
        if (sscanf(line, " %15s %255s", kind, name) != 2 || strcmp(kind, r->kind))
            continue;
        if (!strcmp(kind, "skb")) {
            char pat[80];
            snprintf(pat, sizeof pat, " %s=", r->name);
            char *p = strstr(line, pat);
            if (p)
                for (p += strlen(pat); *p && *p != ' '; p++)
                    *p = 'x';
            continue;
        }
        size_t nl = strlen(r->name);
        if (strncmp(name, r->name, nl) || (name[nl] && name[nl] != '['))
            continue;
        /* the value is the last field */
        char *v = strrchr(line, ' ');
        if (!v)
            continue;
        v++;
        size_t vl = strlen(v);
        for (int b = r->first; b <= r->last && (size_t)(2 * b + 1) < vl; b++)
            v[2 * b] = v[2 * b + 1] = 'x';
    }
}

/* --------------------------------------------------------------- blocks */

struct block {
    char *head;      /* "<i> <retval> <hex>" or "<i> error ERR" */
    char **lines;    /* the indented lines after it */
    size_t n;
};

struct output {
    struct block *b;
    size_t n;
};

static void parse_output(char *text, struct output *o, const struct kd_rule *rules, size_t nr,
                         const char *object, const char *capture)
{
    memset(o, 0, sizeof(*o));
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (l[0] >= '0' && l[0] <= '9') {
            o->b = realloc(o->b, (o->n + 1) * sizeof(*o->b));
            cr_assert_not_null(o->b);
            o->b[o->n++] = (struct block){.head = l};
        } else if (l[0] == ' ' && o->n) {
            struct block *b = &o->b[o->n - 1];
            mask_line(l, rules, nr, object, capture);
            b->lines = realloc(b->lines, (b->n + 1) * sizeof(*b->lines));
            cr_assert_not_null(b->lines);
            b->lines[b->n++] = l;
        }
    }
}

static void free_output(struct output *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->b[i].lines);
    free(o->b);
}

static bool block_eq(const struct block *a, const struct block *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->lines[i], b->lines[i]))
            return false;
    return true;
}

static bool has_line(const struct block *b, const char *l)
{
    for (size_t i = 0; i < b->n; i++)
        if (!strcmp(b->lines[i], l))
            return true;
    return false;
}

/* Append "  - kernel" / "  + bpfemu" lines of one packet to a report. */
static void diff_block(FILE *rep, size_t idx, const struct block *k, const struct block *e,
                       size_t *budget)
{
    if (strcmp(k->head, e->head)) {
        fprintf(rep, "packet %zu:\n  - kernel  %.300s\n  + bpfemu  %.300s\n", idx, k->head,
                e->head);
        if (*budget)
            (*budget)--;
    }
    if (block_eq(k, e))
        return;
    fprintf(rep, "packet %zu, after the run:\n", idx);
    for (size_t i = 0; i < k->n && *budget; i++)
        if (!has_line(e, k->lines[i])) {
            fprintf(rep, "  - kernel %.300s\n", k->lines[i]);
            (*budget)--;
        }
    for (size_t i = 0; i < e->n && *budget; i++)
        if (!has_line(k, e->lines[i])) {
            fprintf(rep, "  + bpfemu %.300s\n", e->lines[i]);
            (*budget)--;
        }
    if (!*budget)
        fprintf(rep, "  ...\n");
}

/* ------------------------------------------------------------ processes */

/* Run argv with stdout and stderr to files; the exit status (or -1). */
static int run_to_files(char *const argv[], const char *out, const char *errf)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fe = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int fi = open("/dev/null", O_RDONLY);
        if (fo < 0 || fe < 0 || fi < 0)
            _exit(126);
        dup2(fi, 0);
        dup2(fo, 1);
        dup2(fe, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)(n > 0 ? n : 0) + 1);
    size_t r = b ? fread(b, 1, (size_t)(n > 0 ? n : 0), f) : 0;
    fclose(f);
    if (!b)
        return NULL;
    b[r] = 0;
    if (len)
        *len = r;
    return b;
}

static char tmpdir[256];

static void make_tmp(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/bpfemu-kdiff-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

static void rm_tmp(void)
{
    static const char *const files[] = {"k.out", "k.err", "pkt", "cli.out", "cli.err", "maps.out"};
    char p[512];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmpdir, files[i]);
        unlink(p);
    }
    rmdir(tmpdir);
    tmpdir[0] = 0;
}

static const char *tpath(const char *name)
{
    static char bufs[6][512];
    static int k;
    char *b = bufs[k++ % 6];
    snprintf(b, sizeof bufs[0], "%s/%s", tmpdir, name);
    return b;
}

/* --------------------------------------------------------------- params */

ParameterizedTestParameters(corpus_kernel, diff)
{
    static struct kd_param params[128];
    size_t n, k = 0;
    const struct corpus_entry *m = corpus_manifest(&n);
    for (size_t i = 0; m && i < n && k + 2 <= 128; i++)
        for (int mixed = 0; mixed < 2; mixed++) {
            struct kd_param *p = &params[k++];
            snprintf(p->object, sizeof p->object, "%s", m[i].object);
            snprintf(p->prog, sizeof p->prog, "%s", m[i].prog);
            snprintf(p->capture, sizeof p->capture, "%s", mixed ? "mixed.pcap" : m[i].capture);
            snprintf(p->opts, sizeof p->opts, "%s", m[i].opts);
        }
    /* an empty MANIFEST still gives one parameter, which fails */
    if (!k)
        k = 1;
    return cr_make_param_array(struct kd_param, params, k);
}

/* Objects bpfemu's verifier rejects though the kernel accepts them: the
 * "corpus-verdict:" entries of tests/kdiff/known-differences.txt, each
 * explained there. `bpfemu run` verifies first, so these run --no-verify. */
static bool verdict_differs(const char *object)
{
    char *known = slurp("kdiff/known-differences.txt", NULL);
    cr_assert_not_null(known, "tests/kdiff/known-differences.txt is missing");
    char line[128];
    snprintf(line, sizeof line, "\ncorpus-verdict: %s\n", object);
    bool found = strstr(known, line) != NULL;
    free(known);
    return found;
}

/* `bpfemu run` on the capture's first packet: retval and data_out. The run
 * is verified and trusted, except for the objects above. */
static void check_cli(const struct kd_param *p, const struct corpus_pcap *pc, const char *khead)
{
    const char *bin = getenv("BPFEMU") && *getenv("BPFEMU") ? getenv("BPFEMU") : "../build/bpfemu";
    cr_assert_eq(access(bin, X_OK), 0, "%s is not an executable (set BPFEMU)", bin);
    FILE *f = fopen(tpath("pkt"), "wb");
    cr_assert_not_null(f);
    fwrite(pc->pkts[0].data, 1, pc->pkts[0].len, f);
    fclose(f);
    char obj[512], maps[512];
    snprintf(obj, sizeof obj, "%s/%s.o", corpus_dir(), p->object);
    snprintf(maps, sizeof maps, "%s/pcaps/%s.maps.json", corpus_dir(), p->object);
    char *argv[] = {(char *)bin, "run", obj, "--section", (char *)p->prog, "--data",
                    (char *)tpath("pkt"), "--map-in", maps, "--json",
                    verdict_differs(p->object) ? "--no-verify" : NULL, NULL};
    int st = run_to_files(argv, tpath("cli.out"), tpath("cli.err"));
    char *out = slurp(tpath("cli.out"), NULL), *errs = slurp(tpath("cli.err"), NULL);
    char want_rv[32] = "", want_hex[8192] = "";
    sscanf(khead, "%*s %31s %8191s", want_rv, want_hex);
    if (!strcmp(want_rv, "error")) {
        cr_expect_eq(st, 2, "%s %s packet 0: bpfemu run exits %d, the kernel refused the input "
                     "(%s)", p->object, p->capture, st, want_hex);
    } else {
        cr_expect_eq(st, 0, "%s %s packet 0: bpfemu run exits %d: %s", p->object, p->capture, st,
                     errs ? errs : "");
        char jerr[256];
        struct json *j = out ? json_parse(out, strlen(out), jerr, sizeof jerr) : NULL;
        cr_expect_not_null(j, "bpfemu run --json printed no JSON: %s", out ? out : "");
        if (j) {
            const struct json *rv = json_get(j, "retval"), *d = json_get(j, "data_out");
            uint64_t v = 0;
            cr_expect(rv && json_u64(rv, &v) && v == strtoull(want_rv, NULL, 10),
                      "%s %s packet 0: bpfemu run retval %s, the kernel's %s", p->object,
                      p->capture, rv && rv->str ? rv->str : "null", want_rv);
            cr_expect(d && d->type == JSON_STRING && !strcmp(d->str, want_hex),
                      "%s %s packet 0: bpfemu run data_out\n  %s\nthe kernel's\n  %s", p->object,
                      p->capture, d && d->str ? d->str : "null", want_hex);
            json_free(j);
        }
    }
    free(out);
    free(errs);
}

/* What a test holds, freed by its fini also when an assertion ends it. */
static struct {
    char *ktext, *etext, *report;
    struct corpus_ctx c;
    struct corpus_pcap pc;
    struct output ko, eo;
} S;

static void diff_fini(void)
{
    free_output(&S.ko);
    free_output(&S.eo);
    free(S.ktext);
    free(S.etext);
    free(S.report);
    corpus_pcap_free(&S.pc);
    corpus_close(&S.c);
    memset(&S, 0, sizeof S);
    if (tmpdir[0])
        rm_tmp();
}

ParameterizedTest(struct kd_param *p, corpus_kernel, diff, .timeout = 300, .fini = diff_fini)
{
    cr_assert(p->object[0], "cannot read %s/../MANIFEST", corpus_dir());
    char krun[512], obj[512], maps[512], cap[512], err[1024];
    snprintf(krun, sizeof krun, "%s/kernel-run", corpus_dir());
    snprintf(obj, sizeof obj, "%s/%s.o", corpus_dir(), p->object);
    snprintf(maps, sizeof maps, "%s/pcaps/%s.maps", corpus_dir(), p->object);
    snprintf(cap, sizeof cap, "%s/pcaps/%s", corpus_dir(), p->capture);
    cr_assert_eq(access(krun, X_OK), 0, "%s missing: run make -C corpus", krun);
    bool pace = strstr(p->opts, "-p") != NULL;

    make_tmp();
    char *argv[16];
    int a = 0;
    argv[a++] = krun;
    argv[a++] = "-m";
    if (pace)
        argv[a++] = "-p";
    argv[a++] = "-i";
    argv[a++] = maps;
    argv[a++] = obj;
    argv[a++] = p->prog;
    argv[a++] = cap;
    argv[a] = NULL;
    int st = run_to_files(argv, tpath("k.out"), tpath("k.err"));
    char kerr[1024] = "";
    char *ke = slurp(tpath("k.err"), NULL);
    snprintf(kerr, sizeof kerr, "%s", ke ? ke : "");
    free(ke);
    if (st == 2) {
        kerr[strcspn(kerr, "\n")] = 0;
        cr_skip_test("SKIP: kernel differential: bpf() not permitted (%s)", kerr);
    }
    if (st == 3) { /* this kernel build withholds a helper the object calls */
        kerr[strcspn(kerr, "\n")] = 0;
        printf("SKIP: kernel differential %s %s: %s\n", p->object, p->capture, kerr);
        cr_skip_test("%s", kerr);
    }
    cr_assert_eq(st, 0, "%s %s: kernel-run exits %d: %s", p->object, p->capture, st, kerr);
    S.ktext = slurp(tpath("k.out"), NULL);
    cr_assert_not_null(S.ktext);

    /* bpfemu, same packets, same initial maps */
    cr_assert_eq(corpus_open(&S.c, p->object, p->prog, pace, err, sizeof err), 0, "%s", err);
    cr_assert_eq(corpus_pcap_read(cap, &S.pc, err, sizeof err), 0, "%s", err);
    size_t elen = 0;
    FILE *ef = open_memstream(&S.etext, &elen);
    cr_assert_not_null(ef);
    for (size_t i = 0; i < S.pc.n; i++) {
        struct corpus_result r;
        corpus_run_pkt(&S.c, &S.pc.pkts[i], &r);
        corpus_print_result(&S.c, i, &r, true, ef);
        if (r.rc && r.rc != -EINVAL)
            cr_log_error("%s %s packet %zu: bpfemu: %s", p->object, p->capture, i, r.err);
        corpus_result_free(&r);
    }
    fclose(ef);

    struct kd_rule rules[64];
    size_t nr = load_rules(rules, 64), npk = S.pc.n;
    parse_output(S.ktext, &S.ko, rules, nr, p->object, p->capture);
    parse_output(S.etext, &S.eo, rules, nr, p->object, p->capture);
    cr_expect_eq(S.ko.n, npk, "kernel-run printed %zu packets of %zu", S.ko.n, npk);
    cr_expect_eq(S.eo.n, npk, "bpfemu printed %zu packets of %zu", S.eo.n, npk);

    size_t n = S.ko.n < S.eo.n ? S.ko.n : S.eo.n, same_head = 0, same_all = 0, budget = 40;
    size_t rlen = 0;
    FILE *rep = open_memstream(&S.report, &rlen);
    cr_assert_not_null(rep);
    for (size_t i = 0; i < n; i++) {
        bool h = !strcmp(S.ko.b[i].head, S.eo.b[i].head);
        bool all = h && block_eq(&S.ko.b[i], &S.eo.b[i]);
        same_head += h;
        same_all += all;
        if (!all && budget)
            diff_block(rep, i, &S.ko.b[i], &S.eo.b[i], &budget);
    }
    fclose(rep);
    cr_log_info("kernel-diff %s %s: %zu/%zu packets with the kernel's retval and data_out, "
                "%zu/%zu with its maps too",
                p->object, p->capture, same_head, npk, same_all, npk);
    /* A paced run (-p) follows the capture's timing with the kernel's real
     * clock: on a loaded machine its verdicts move, bpfemu's do not
     * (test_corpus checks them against EXPECTED.md). Say so, don't fail. */
    if (pace && same_all != npk)
        cr_skip_test("SKIP: kernel differential %s %s: the kernel's paced run disagrees on %zu of "
                     "%zu packets (timing under load; bpfemu's verdicts are checked in "
                     "test_corpus)",
                     p->object, p->capture, npk - same_all, npk);
    cr_expect(same_all == npk && S.ko.n == npk && S.eo.n == npk,
              "%s %s: bpfemu differs from the kernel: %zu/%zu packets agree on retval and "
              "data_out, %zu/%zu on everything (- kernel, + bpfemu):\n%s",
              p->object, p->capture, same_head, npk, same_all, npk, S.report);

    if (S.ko.n)
        check_cli(p, &S.pc, S.ko.b[0].head);
}
