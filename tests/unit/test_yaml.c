/* tests/unit/test_yaml.c - `bpfemu test`: the diff output of a fixture with
 * deliberately wrong expectations (tests/yaml/broken.yaml), JUnit XML
 * parsed back and checked against the schema's structure, TAP, one-line
 * errors for bad test files, and line coverage of the corpus firewall
 * against a hand-checked table (plus genhtml accepting the tracefile).
 *
 * The binary is $BPFEMU (default ../build/bpfemu), run with cwd = tests/.
 * Needs corpus/build (make corpus). */
#include <criterion/criterion.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------- harness ---- */

static char tmpdir[256];

static const char *bpfemu_bin(void)
{
    const char *b = getenv("BPFEMU");
    return b && *b ? b : "../build/bpfemu";
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

static void setup(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/bpfemu-yaml-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
    cr_assert_eq(access(bpfemu_bin(), X_OK), 0, "%s is not an executable (set BPFEMU)",
                 bpfemu_bin());
    cr_assert_eq(access("../corpus/build/xdp_firewall.o", R_OK), 0,
                 "../corpus/build/xdp_firewall.o is missing (make corpus)");
}

static void teardown(void)
{
    if (tmpdir[0])
        nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(yaml, .init = setup, .fini = teardown, .timeout = 60);

static const char *tp(const char *name)
{
    static char bufs[8][512];
    static int k;
    char *b = bufs[k++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", tmpdir, name);
    return b;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, r;
    char *buf = malloc(cap);
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 >= cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf)
        buf[n] = 0;
    return buf;
}

static void write_text(const char *name, const char *text)
{
    FILE *f = fopen(tp(name), "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

struct res {
    int status;
    char *out, *err;
};

static struct res run_v(const char *const *args)
{
    static int seq;
    char outp[512], errp[512];
    int n = seq++;
    snprintf(outp, sizeof outp, "%s/.stdout%d", tmpdir, n);
    snprintf(errp, sizeof errp, "%s/.stderr%d", tmpdir, n);
    const char *argv[64];
    int argc = 0;
    argv[argc++] = bpfemu_bin();
    for (const char *const *a = args; *a; a++)
        argv[argc++] = *a;
    argv[argc] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        int i0 = open("/dev/null", O_RDONLY);
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (i0 < 0 || o < 0 || e < 0)
            _exit(126);
        alarm(50);
        dup2(i0, 0), dup2(o, 1), dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    struct res r = {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), slurp(outp), slurp(errp)};
    cr_assert_not_null(r.out);
    cr_assert_not_null(r.err);
    return r;
}

#define RUN(...) run_v((const char *const[]){__VA_ARGS__, NULL})

static void res_free(struct res *r)
{
    free(r->out);
    free(r->err);
}

/* --------------------------------------------------------- the diffs ---- */

static const char broken_out[] =
    "yaml/broken.yaml\n"
    "  FAIL  wrong action  (yaml/broken.yaml:6)\n"
    "        action: expected XDP_PASS (2), got XDP_DROP (1)\n"
    "  FAIL  wrong output bytes  (yaml/broken.yaml:12)\n"
    "        packet (line 16) differs:\n"
    "          2 of 54 bytes differ (- expected, + got, ^^ differs):\n"
    "            0000  02 00 00 00 00 02 02 00  00 00 00 01 08 00 45 00\n"
    "          - 0010  00 28 00 00 00 00 3f 06  af ce c0 00 02 01 0a 00\n"
    "          + 0010  00 28 00 00 00 00 40 06  ae ce c0 00 02 01 0a 00\n"
    "                                    ^^     ^^\n"
    "            0020  00 01 04 d2 00 50 00 00  00 00 00 00 00 00 50 02\n"
    "            0030  20 00 be be 00 00\n"
    "          ipv4.ttl: expected 63, got 64\n"
    "          ipv4.csum: expected 0xafce, got 0xaece (valid)\n"
    "  FAIL  wrong output fields  (yaml/broken.yaml:18)\n"
    "        packet (line 21) differs:\n"
    "          ipv4.ttl: expected 63, got 64\n"
    "          tcp.dport: expected 81, got 80\n"
    "        the packet (54 bytes):\n"
    "            eth      dst=02:00:00:00:00:02 src=02:00:00:00:00:01 type=0x0800\n"
    "            ipv4     version=4 ihl=5 tos=0x00 len=40 id=0 flags=0 frag=0 ttl=64 proto=6 "
    "csum=0xaece (valid) src=192.0.2.1 dst=10.0.0.1\n"
    "            tcp      sport=1234 dport=80 seq=0 ack=0 doff=5 flags=SYN win=8192 "
    "csum=0xbebe (valid) urg=0\n"
    "  FAIL  wrong map values  (yaml/broken.yaml:23)\n"
    "        blocklist_v4[203.0.113.0/24].hits: expected 2, got 1\n"
    "        blocklist_v4[10.0.0.0/8]: expected an entry, there is none\n"
    "        xdp_stats_map[1].rx_bytes: expected 60, got 42\n"
    "        xdp_stats_map[2]: expected no entry, got {rx_packets: 0, rx_bytes: 0}\n"
    "  FAIL  wrong helper calls  (yaml/broken.yaml:32)\n"
    "        calls: bpf_map_lookup_elem called 2 times, expected 3\n"
    "        calls: bpf_ktime_get_ns called 0 times, expected at least 1\n"
    "  FAIL  wrong skb fields and trace  (yaml/broken.yaml:39)\n"
    "        ctx.mark: expected 256 (0x100), got 512 (0x200)\n"
    "        trace (line 49): expected\n"
    "          | rewritten\n"
    "        got\n"
    "          (no lines)\n"
    "  FAIL  a failure in a later step  (yaml/broken.yaml:51)\n"
    "        step 2 'second packet' (line 56):\n"
    "          blocklist_v4[203.0.113.0/24].hits: expected 3, got 2\n"
    "          (the remaining steps did not run)\n"
    "  ERROR a map the object does not have  (yaml/broken.yaml:61)\n"
    "        line 63: the object has no map named 'blocklist' (maps: blocklist_v4, "
    "blocklist_v6, xdp_stats_map)\n"
    "  PASS  a case that passes\n"
    "1 passed, 8 failed\n";

Test(yaml, broken_expectations_print_their_diffs)
{
    struct res r = RUN("test", "yaml/broken.yaml");
    cr_expect_str_eq(r.out, broken_out);
    cr_expect_str_eq(r.err, "");
    cr_expect_eq(r.status, 1);
    res_free(&r);
}

Test(yaml, quiet_lists_only_failures)
{
    struct res r = RUN("test", "--quiet", "--filter", "later step", "yaml/broken.yaml");
    cr_expect_str_eq(r.out, "yaml/broken.yaml\n"
                            "  FAIL  a failure in a later step  (yaml/broken.yaml:51)\n"
                            "        step 2 'second packet' (line 56):\n"
                            "          blocklist_v4[203.0.113.0/24].hits: expected 3, got 2\n"
                            "          (the remaining steps did not run)\n"
                            "0 passed, 1 failed\n");
    cr_expect_eq(r.status, 1);
    res_free(&r);
    r = RUN("test", "--quiet", "--filter", "passes", "yaml/broken.yaml");
    cr_expect_str_eq(r.out, "1 passed, 0 failed\n");
    cr_expect_eq(r.status, 0);
    res_free(&r);
}

Test(yaml, every_corpus_test_file_passes)
{
    glob_t g;
    cr_assert_eq(glob("../corpus/tests/*.yaml", 0, NULL, &g), 0, "no corpus/tests/*.yaml");
    cr_expect_geq(g.gl_pathc, 13, "a test file per corpus program");
    const char *args[64] = {"test", "--quiet"};
    size_t n = 2;
    for (size_t i = 0; i < g.gl_pathc && n < 62; i++)
        args[n++] = g.gl_pathv[i];
    args[n] = NULL;
    struct res r = run_v(args);
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, " passed, 0 failed\n") != NULL, "%s", r.out);
    res_free(&r);
    globfree(&g);
}

Test(yaml, fixture_tests_pass)
{
    struct res r = RUN("test", "yaml/fib_fwd.yaml");
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "\n5 passed, 0 failed\n") != NULL, "%s", r.out);
    res_free(&r);
}

/* ------------------------------------------------------------- errors ---- */

struct bad_spec {
    const char *text, *error;
};

Test(yaml, bad_test_files_get_one_line_errors)
{
    static const struct bad_spec cases[] = {
        {"object: x.o\ntests:\n  - name: a\n    packet: eth\n    expct: {}\n",
         "line 5: unknown key 'expct' in a test (expected one of: name, object, program, section, "
         "ncpus, cpu, maps, mocks, skip, packet, ctx, socket, repeat, expect, steps, event, "
         "tracepoint_format, attach, sockets)"},
        {"object: x.o\ntests:\n  - name: a\n    packet: eth\n    socket: {uid: 1, srcc: 1.2.3.4}\n",
         "line 5: socket: unknown key 'srcc' (family, type, protocol, state, src, dst, src_port, "
         "dst_port, uid, cookie, mark, priority, bound_dev_if, rx_queue_mapping, none)"},
        {"object: x.o\ntests:\n  - name: a\n    packet: eth\n    socket: {dst: \"[::1]:70000\"}\n",
         "line 5: socket: bad dst '[::1]:70000'"},
        {"object: x.o\ntests:\n  - name: a\n    packet: eth\n    socket: {family: ipx}\n",
         "line 5: socket: bad family 'ipx'"},
        {"object: x.o\ntests:\n  - name: a\n    packet: eth / ipv4(srx=1.2.3.4)\n",
         "line 4: packet: ipv4: unknown field 'srx' (fields: version ihl tos dscp ecn len id "
         "flags frag ttl proto csum src dst options)"},
        {"object: x.o\ntests:\n  - name: a\n    packet:\n      - eth: {}\n      - ipv4: {ttl: 300}\n",
         "line 6: ipv4.ttl: 300 does not fit in 8 bits"},
        {"object: x.o\ntests:\n  - name: a\n    packet: eth\n    mocks: {ktime: 5}\n",
         "line 5: mocks: no helper named 'ktime'"},
        {"object: x.o\ntests:\n  - name: a\n    packet: eth\n    expect: {action: 1, error: x}\n",
         "line 5: expect either an action or an error, not both"},
        {"object: x.o\ntests:\n  - name: a\n  - name: a\n    packet: eth\n",
         "line 3: test 'a' needs a packet, an event (or steps)"},
        {"tests:\n  - name: a\n    packet: eth\n",
         "line 2: test 'a': no object (give object: at the top of the file or in the test)"},
        {"object: x.o\ntests:\n  - name: a\n    packet: eth\n    expect: {action: [1]\n",
         "line 6: did not find expected ',' or '}' while parsing a flow mapping"},
        {"object: x.o\ntests:\n  - name: a\n    packet: {pcap: nothere.pcap, index: 0}\n",
         NULL}, /* the pcap's own message */
        {"object: x.o\n", "line 1: no tests: the file needs a 'tests:' list"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "bad%zu.yaml", i);
        write_text(name, cases[i].text);
        struct res r = RUN("test", tp(name));
        cr_expect_eq(r.status, 2, "case %zu: status %d", i, r.status);
        cr_expect_str_eq(r.out, "", "case %zu", i);
        /* exactly one line: "bpfemu: FILE: line N: what" */
        char want[1024];
        if (cases[i].error) {
            snprintf(want, sizeof want, "bpfemu: %s: %s\n", tp(name), cases[i].error);
            cr_expect_str_eq(r.err, want, "case %zu", i);
        } else {
            cr_expect(strstr(r.err, "nothere.pcap") && strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
                      "case %zu: %s", i, r.err);
        }
        res_free(&r);
    }
}

Test(yaml, nothing_runs_when_a_file_is_bad)
{
    write_text("bad.yaml", "object: x.o\ntests: 5\n");
    struct res r = RUN("test", "yaml/broken.yaml", tp("bad.yaml"));
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.out, "");
    char want[512];
    snprintf(want, sizeof want, "bpfemu: %s: line 2: tests must be a list, not a value\n",
             tp("bad.yaml"));
    cr_expect_str_eq(r.err, want);
    res_free(&r);
}

/* --------------------------------------------------------------- TAP ---- */

Test(yaml, tap)
{
    struct res r = RUN("test", "--tap", "--filter", "wrong a", "yaml/broken.yaml");
    cr_expect_str_eq(r.out, "TAP version 13\n"
                            "1..1\n"
                            "not ok 1 - broken: wrong action\n"
                            "  ---\n"
                            "  severity: fail\n"
                            "  at: \"yaml/broken.yaml:6\"\n"
                            "  message: |\n"
                            "    action: expected XDP_PASS (2), got XDP_DROP (1)\n"
                            "  ...\n");
    cr_expect_eq(r.status, 1);
    res_free(&r);
    r = RUN("test", "--tap", "yaml/broken.yaml");
    cr_expect(strstr(r.out, "\n1..9\n") != NULL);
    cr_expect(strstr(r.out, "\nok 9 - broken: a case that passes\n") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "\nnot ok 8 - broken: a map the object does not have\n  ---\n  "
                            "severity: error\n") != NULL, "%s", r.out);
    res_free(&r);
}

/* ------------------------------------------------------------- JUnit ---- */

/* A small XML reader: elements, attributes and text; enough to walk the
 * report and check it against the JUnit schema's structure. */
struct xnode {
    char name[32];
    char *attr[16][2];
    int nattr;
    char *text;
    struct xnode *kid[64];
    int nkid;
};

static void xfree(struct xnode *n)
{
    for (int i = 0; i < n->nattr; i++)
        free(n->attr[i][0]), free(n->attr[i][1]);
    for (int i = 0; i < n->nkid; i++)
        xfree(n->kid[i]);
    free(n->text);
    free(n);
}

static char *xunescape(const char *s, size_t n)
{
    char *o = malloc(n + 1), *w = o;
    for (size_t i = 0; i < n;) {
        static const struct { const char *ent; char c; } ents[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
        bool done = false;
        for (size_t k = 0; k < 5 && !done; k++) {
            size_t l = strlen(ents[k].ent);
            if (i + l <= n && !strncmp(s + i, ents[k].ent, l)) {
                *w++ = ents[k].c;
                i += l;
                done = true;
            }
        }
        if (!done) {
            cr_assert_neq(s[i], '&', "unknown entity at %.10s", s + i);
            cr_assert_neq(s[i], '<', "'<' in text");
            *w++ = s[i++];
        }
    }
    *w = 0;
    return o;
}

static struct xnode *xparse(const char **pp)
{
    const char *p = *pp;
    while (isspace((unsigned char)*p))
        p++;
    cr_assert_eq(*p, '<', "expected an element at %.20s", p);
    p++;
    struct xnode *n = calloc(1, sizeof(*n));
    size_t nl = strcspn(p, " \t\n/>");
    cr_assert_lt(nl, sizeof n->name);
    memcpy(n->name, p, nl);
    p += nl;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '/' && p[1] == '>') {
            *pp = p + 2;
            return n;
        }
        if (*p == '>') {
            p++;
            break;
        }
        size_t al = strcspn(p, "=");
        cr_assert(p[al] == '=' && p[al + 1] == '"', "bad attribute at %.20s", p);
        cr_assert_lt(n->nattr, 16);
        n->attr[n->nattr][0] = strndup(p, al);
        p += al + 2;
        size_t vl = strcspn(p, "\"");
        cr_assert_eq(p[vl], '"');
        n->attr[n->nattr++][1] = xunescape(p, vl);
        p += vl + 1;
    }
    for (;;) {
        const char *t = p;
        while (*p && *p != '<')
            p++;
        cr_assert(*p, "unterminated <%s>", n->name);
        if (p > t) {
            char *txt = xunescape(t, (size_t)(p - t));
            bool blank = true;
            for (char *c = txt; *c; c++)
                blank &= isspace((unsigned char)*c) != 0;
            if (!blank)
                n->text = txt;
            else
                free(txt);
        }
        if (p[1] == '/') {
            size_t l = strlen(n->name);
            cr_assert(!strncmp(p + 2, n->name, l) && p[2 + l] == '>', "</%s> expected at %.20s",
                      n->name, p);
            *pp = p + 3 + l;
            return n;
        }
        cr_assert_lt(n->nkid, 64);
        n->kid[n->nkid++] = xparse(&p);
    }
}

static const char *xattr(const struct xnode *n, const char *a)
{
    for (int i = 0; i < n->nattr; i++)
        if (!strcmp(n->attr[i][0], a))
            return n->attr[i][1];
    return NULL;
}

static long xnum(const struct xnode *n, const char *a)
{
    const char *v = xattr(n, a);
    cr_assert_not_null(v, "<%s> has no %s", n->name, a);
    char *end;
    long x = strtol(v, &end, 10);
    cr_assert(end != v && !*end, "<%s %s=\"%s\"> is not an integer", n->name, a, v);
    return x;
}

static void xtime(const struct xnode *n)
{
    const char *v = xattr(n, "time");
    cr_assert_not_null(v, "<%s> has no time", n->name);
    char *end;
    double d = strtod(v, &end);
    cr_assert(end != v && !*end && d >= 0, "<%s time=\"%s\">", n->name, v);
}

Test(yaml, junit_xml_has_the_schema_structure)
{
    struct res r = RUN("test", "--junit", tp("report.xml"), "yaml/broken.yaml",
                       "../corpus/tests/xdp_counter.yaml");
    cr_expect_eq(r.status, 1);
    res_free(&r);
    char *xml = slurp(tp("report.xml"));
    cr_assert_not_null(xml);
    const char *decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    cr_assert(!strncmp(xml, decl, strlen(decl)), "no XML declaration");
    const char *p = xml + strlen(decl);
    struct xnode *root = xparse(&p);
    while (isspace((unsigned char)*p))
        p++;
    cr_expect_eq(*p, 0, "text after the root element: %.20s", p);

    /* testsuites: counts that add up over its testsuite children */
    cr_assert_str_eq(root->name, "testsuites");
    cr_assert_eq(root->nkid, 2);
    long tests = 0, failures = 0, errors = 0, skipped = 0;
    const char *suite_names[2] = {"broken", "xdp_counter"};
    const long suite_tests[2] = {9, 6}, suite_fail[2] = {7, 0}, suite_err[2] = {1, 0};
    for (int s = 0; s < root->nkid; s++) {
        struct xnode *ts = root->kid[s];
        cr_assert_str_eq(ts->name, "testsuite");
        cr_expect_str_eq(xattr(ts, "name"), suite_names[s]);
        xtime(ts);
        cr_expect_not_null(xattr(ts, "timestamp"));
        cr_expect_not_null(xattr(ts, "hostname"));
        long t = 0, f = 0, e = 0, k = 0;
        for (int c = 0; c < ts->nkid; c++) {
            struct xnode *tc = ts->kid[c];
            cr_assert_str_eq(tc->name, "testcase");
            cr_expect_not_null(xattr(tc, "name"));
            cr_expect_str_eq(xattr(tc, "classname"), suite_names[s]);
            xtime(tc);
            cr_assert_leq(tc->nkid, 1, "a testcase has at most one result element");
            t++;
            if (!tc->nkid)
                continue;
            struct xnode *res = tc->kid[0];
            if (!strcmp(res->name, "failure") || !strcmp(res->name, "error")) {
                cr_expect_not_null(xattr(res, "message"));
                cr_expect_not_null(xattr(res, "type"));
                cr_expect_not_null(res->text);
                f += res->name[0] == 'f';
                e += res->name[0] == 'e';
            } else {
                cr_assert_str_eq(res->name, "skipped");
                k++;
            }
        }
        cr_expect_eq(xnum(ts, "tests"), t);
        cr_expect_eq(xnum(ts, "failures"), f);
        cr_expect_eq(xnum(ts, "errors"), e);
        cr_expect_eq(xnum(ts, "skipped"), k);
        cr_expect_eq(t, suite_tests[s]);
        cr_expect_eq(f, suite_fail[s]);
        cr_expect_eq(e, suite_err[s]);
        tests += t, failures += f, errors += e, skipped += k;
    }
    cr_expect_eq(xnum(root, "tests"), tests);
    cr_expect_eq(xnum(root, "failures"), failures);
    cr_expect_eq(xnum(root, "errors"), errors);
    xtime(root);

    /* the failure carries the diff; its message is the first line */
    struct xnode *bytes = root->kid[0]->kid[1];
    cr_expect_str_eq(xattr(bytes, "name"), "wrong output bytes");
    cr_expect_str_eq(xattr(bytes->kid[0], "message"), "packet (line 16) differs:");
    cr_expect(strstr(bytes->kid[0]->text, "- 0010  00 28 00 00 00 00 3f 06") != NULL);
    xfree(root);
    free(xml);
}

/* ---------------------------------------------------------- coverage ---- */

struct da {
    unsigned line;
    unsigned long count;
};

/* The DA records of file `base` in an lcov tracefile; also checks each
 * record's syntax and the LF/LH and BRF/BRH totals. */
static size_t lcov_lines(const char *info, const char *base, struct da *out, size_t max)
{
    const char *p = info;
    size_t n = 0;
    bool in = false;
    long lf = 0, lh = 0, brf = 0, brh = 0, seen_lf = -1, seen_lh = -1, seen_brf = -1, seen_brh = -1;
    while (*p) {
        size_t l = strcspn(p, "\n");
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)l, p);
        p += l + (p[l] == '\n');
        if (!strncmp(line, "SF:", 3)) {
            const char *b = strrchr(line, '/');
            in = !strcmp(b ? b + 1 : line + 3, base);
            lf = lh = brf = brh = 0;
            continue;
        }
        if (!in)
            continue;
        unsigned ln, blk, br;
        unsigned long c;
        char taken[32];
        if (sscanf(line, "DA:%u,%lu", &ln, &c) == 2) {
            cr_assert_lt(n, max);
            out[n++] = (struct da){ln, c};
            lf++;
            lh += c > 0;
        } else if (sscanf(line, "BRDA:%u,%u,%u,%31s", &ln, &blk, &br, taken) == 4) {
            cr_assert(br <= 1, "%s", line);
            brf++;
            brh += strcmp(taken, "-") && strcmp(taken, "0");
        } else if (sscanf(line, "LF:%ld", &seen_lf) == 1 || sscanf(line, "LH:%ld", &seen_lh) == 1 ||
                   sscanf(line, "BRF:%ld", &seen_brf) == 1 ||
                   sscanf(line, "BRH:%ld", &seen_brh) == 1) {
            continue;
        } else if (!strcmp(line, "end_of_record")) {
            cr_expect_eq(seen_lf, lf);
            cr_expect_eq(seen_lh, lh);
            cr_expect_eq(seen_brf, brf);
            cr_expect_eq(seen_brh, brh);
            in = false;
        } else {
            cr_assert(!strncmp(line, "FN:", 3) || !strncmp(line, "FNDA:", 5) ||
                      !strncmp(line, "FNF:", 4) || !strncmp(line, "FNH:", 4) ||
                      !strncmp(line, "TN:", 3), "unexpected record: %s", line);
        }
    }
    return n;
}

static void expect_lines(const char *info, const char *base, const struct da *want, size_t nwant)
{
    struct da got[256];
    size_t n = lcov_lines(info, base, got, 256);
    cr_expect_eq(n, nwant, "%s: %zu instrumented lines, expected %zu", base, n, nwant);
    for (size_t i = 0; i < nwant && i < n; i++) {
        cr_expect_eq(got[i].line, want[i].line, "%s: record %zu is line %u, expected %u", base, i,
                     got[i].line, want[i].line);
        cr_expect_eq(got[i].count, want[i].count, "%s:%u ran %lu times, expected %lu", base,
                     got[i].line, got[i].count, want[i].count);
    }
}

/* One IPv4/UDP packet from a source that is not blocked (the firewall
 * test "an allowed source passes"). Hand-checked against
 * corpus/src/xdp_firewall.bpf.c and common.h: the Ethernet and IPv4
 * parsing runs, the VLAN loop body does not (87), match_v4 looks the
 * source up and finds nothing (90-97), nothing of IPv6 runs (105-112 and
 * parse_ip6hdr's 121/123), the verdict is accounted (71-85) and returned
 * (154). */
static const struct da fw_one[] = {
    {71, 1}, {72, 1}, {78, 1}, {79, 1}, {83, 1}, {84, 1}, {85, 1}, {90, 1}, {92, 1}, {96, 1},
    {97, 1}, {105, 0}, {110, 0}, {111, 0}, {112, 0}, {119, 1}, {121, 1}, {122, 1}, {138, 1},
    {154, 1},
};
static const struct da common_one[] = {
    {75, 1}, {85, 1}, {87, 0}, {104, 1}, {106, 1}, {107, 1}, {109, 1}, {121, 0}, {123, 0},
};

Test(yaml, firewall_coverage_per_line)
{
    struct res r = RUN("test", "--quiet", "--filter", "an allowed source passes", "--coverage",
                       tp("one.info"), "../corpus/tests/xdp_firewall.yaml");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    char want[512];
    snprintf(want, sizeof want,
             "coverage: lines 22/29, branches 11/36, functions 1/1 -> %s\n1 passed, 0 failed\n",
             tp("one.info"));
    cr_expect_str_eq(r.out, want);
    res_free(&r);
    char *info = slurp(tp("one.info"));
    cr_assert_not_null(info);
    expect_lines(info, "xdp_firewall.bpf.c", fw_one, sizeof fw_one / sizeof fw_one[0]);
    expect_lines(info, "common.h", common_one, sizeof common_one / sizeof common_one[0]);
    cr_expect(strstr(info, "FN:119,xdp_firewall_prog\n") != NULL);
    cr_expect(strstr(info, "FNDA:1,xdp_firewall_prog\n") != NULL);
    /* match_v4's "if (!rule)" (insn 63: if r0 != 0 goto): found nothing,
     * so the jump was not taken; IPv6's never executed */
    cr_expect(strstr(info, "BRDA:97,0,0,0\nBRDA:97,0,1,1\n") != NULL);
    cr_expect(strstr(info, "BRDA:112,0,0,-\nBRDA:112,0,1,-\n") != NULL);
    free(info);
}

/* All twelve firewall tests, 17 runs: one fails to parse Ethernet (a cut
 * VLAN tag: 138 sees 16), two VLAN-tagged frames reach the tag check (87),
 * 13 are IPv4 (104), two of them too short for the header (106: 11), one
 * with IHL 4 (109: 10), ten reach match_v4 (90-97), two IPv6 frames reach
 * match_v6 (105-111). Line 112 counts 4: besides IPv6's own "if (!rule)"
 * (2), clang merged the hit path of both lookups (r3 = 1; the atomic add)
 * into instructions its line info gives to line 112, and 4 runs hit a rule
 * (3 IPv4, 1 IPv6). */
static const struct da fw_all[] = {
    {71, 17}, {72, 17}, {78, 17}, {79, 17}, {83, 17}, {84, 17}, {85, 17}, {90, 10}, {92, 10},
    {96, 10}, {97, 10}, {105, 2}, {110, 2}, {111, 2}, {112, 4}, {119, 17}, {121, 17}, {122, 17},
    {138, 16}, {154, 17},
};
static const struct da common_all[] = {
    {75, 17}, {85, 17}, {87, 2}, {104, 13}, {106, 11}, {107, 11}, {109, 10}, {121, 2}, {123, 2},
};

Test(yaml, firewall_coverage_of_its_test_file)
{
    struct res r = RUN("test", "--quiet", "--coverage", tp("fw.info"),
                       "../corpus/tests/xdp_firewall.yaml");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    res_free(&r);
    char *info = slurp(tp("fw.info"));
    cr_assert_not_null(info);
    expect_lines(info, "xdp_firewall.bpf.c", fw_all, sizeof fw_all / sizeof fw_all[0]);
    expect_lines(info, "common.h", common_all, sizeof common_all / sizeof common_all[0]);
    cr_expect(strstr(info, "FNDA:17,xdp_firewall_prog\n") != NULL);
    free(info);

    /* genhtml reads it */
    if (system("command -v genhtml >/dev/null 2>&1") != 0) {
        cr_skip_test("genhtml is not installed (apt-get install lcov): the tracefile was not "
                     "given to it");
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "genhtml --branch-coverage --quiet %s -o %s/html >%s/genhtml.log 2>&1",
             tp("fw.info"), tmpdir, tmpdir);
    int st = system(cmd);
    char *log = slurp(tp("genhtml.log"));
    cr_expect_eq(st, 0, "genhtml failed: %s", log ? log : "");
    free(log);
    cr_expect_eq(access(tp("html/index.html"), R_OK), 0);
}

Test(yaml, annotated_listing)
{
    struct res r = RUN("test", "--quiet", "--annotate", "--filter", "an allowed source passes",
                       "../corpus/tests/xdp_firewall.yaml");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "   lines 16/20 (80.0%), branches 4/10 (40.0%), functions 1/1\n") != NULL,
              "%s", r.out);
    cr_expect(strstr(r.out, "        1:    96: \trule = bpf_map_lookup_elem(&blocklist_v4, &key);\n") != NULL);
    cr_expect(strstr(r.out, "    #####:   111: \trule = bpf_map_lookup_elem(&blocklist_v6, &key);\n") != NULL);
    cr_expect(strstr(r.out, "        -:   101: }\n") != NULL);
    cr_expect(strstr(r.out, "== total: lines 22/29 (75.9%), branches 11/36 (30.6%), functions 1/1\n") != NULL);
    res_free(&r);
}

/* `replay --coverage`: the same tracefile over a whole capture. The
 * firewall's capture has 30 frames, all reaching the entry and the verdict
 * (71, 119, 154); of its 20 IPv4 and 5 IPv6 frames, 18 and 4 get as far as
 * the blocklist lookups (90, 105): the others are cut short, malformed or
 * behind a tag the program does not parse. */
Test(yaml, replay_coverage_over_a_capture)
{
    struct res r = RUN("replay", "../corpus/build/xdp_firewall.o", "--pcap",
                       "../corpus/build/pcaps/xdp_firewall.pcap", "--map-in",
                       "../corpus/build/pcaps/xdp_firewall.maps.json", "--coverage", tp("rp.info"));
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    char want[256];
    snprintf(want, sizeof want, "coverage: lines 29/29, branches 30/36, functions 1/1 -> %s\n",
             tp("rp.info"));
    cr_expect(strstr(r.out, want) != NULL, "%s", r.out);
    res_free(&r);
    char *info = slurp(tp("rp.info"));
    cr_assert_not_null(info);
    cr_expect(strstr(info, "FNDA:30,xdp_firewall_prog\n") != NULL);
    static const char *lines[] = {"DA:71,30\n", "DA:90,18\n", "DA:105,4\n", "DA:119,30\n",
                                  "DA:154,30\n"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        cr_expect(strstr(info, lines[i]) != NULL, "no %s", lines[i]);
    free(info);

    /* counts are the interpreter's, in one worker */
    r = RUN("replay", "../corpus/build/xdp_firewall.o", "--pcap",
            "../corpus/build/pcaps/xdp_firewall.pcap", "--annotate", "--threads", "2");
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.err, "bpfemu: --annotate: counts in the interpreter, in one worker: drop "
                            "--threads\n");
    res_free(&r);
}
