/* tests/unit/test_replay.c - `bpfemu replay` (tools/replay.c on
 * helpers/session.c) on the shipped corpus (../corpus/build, cwd = tests/):
 *
 *  - every MANIFEST entry on its capture and on mixed.pcap: packets per
 *    retval (and packets the kernel refuses) equal corpus/EXPECTED.md, with
 *    one worker and, for programs whose state is per flow, with two, in
 *    the interpreter and JIT-compiled;
 *  - the rewritten bytes of chosen packets and every packet's verdict in
 *    --out, read back with a pcapng parser of our own (SHB/IDB/EPB, the
 *    epb_verdict, packet id and comment options); the split outputs;
 *  - final map contents (plain, .bss, per-CPU with one and two CPUs);
 *  - trace and event files, shards, link-type conversion (SLL, SLL2, raw
 *    IP), snapped packets, truncated and corrupt captures (exact errors),
 *    the CLI's summary and exit codes ($BPFEMU, default ../build/bpfemu);
 *  - the kernel differential test: each capture packet by packet through
 *    the kernel's BPF_PROG_TEST_RUN (../corpus/build/kernel-run) and through
 *    the replay (interpreter and JIT), verdicts and output bytes compared
 *    for every packet (a printed SKIP where bpf() is not permitted). */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jit/jit.h"
#include "tests/unit/corpus_run.h"
#include "tools/json.h"
#include "tools/map_json.h"
#include "tools/replay.h"

/* ------------------------------------------------------------- fixtures */

struct rp_case {
    struct vm_object *obj;
    struct helper_env *env;
    struct helper_prog *prog;
    struct replay_stats st;
    char err[1024];
    int rc;
};

static char *slurp_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = 0;
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

/* Load OBJECT's object with `ncpus` CPUs and its initial maps; jit: run
 * its programs JIT-compiled (jit/jit.h flags, 0 = the interpreter). */
static void rp_open_jit(struct rp_case *c, const char *object, uint32_t ncpus, unsigned jit)
{
    char path[512], err[1024];
    memset(c, 0, sizeof(*c));
    const struct corpus_entry *e = corpus_manifest_find(object);
    cr_assert_not_null(e, "%s not in MANIFEST", object);
    snprintf(path, sizeof path, "%s/%s.o", corpus_dir(), object);
    size_t len;
    char *buf = slurp_file(path, &len);
    cr_assert_not_null(buf, "%s: %s (make -C corpus)", path, strerror(errno));
    int rc = vm_object_load_elf(buf, len, object, &c->obj, err, sizeof err);
    free(buf);
    cr_assert_eq(rc, 0, "%s: %s", path, err);
    struct helper_env_opts eo = {.ncpus = ncpus, .jit = jit};
    cr_assert_eq(helper_env_create(c->obj, &eo, &c->env, err, sizeof err), 0, "%s: %s", object, err);
    snprintf(path, sizeof path, "%s/pcaps/%s.maps.json", corpus_dir(), object);
    buf = slurp_file(path, &len);
    cr_assert_not_null(buf, "%s missing", path);
    rc = map_json_load(buf, len, c->env, ncpus, err, sizeof err);
    free(buf);
    cr_assert_eq(rc, 0, "%s: %s", path, err);
    c->prog = helper_env_prog(c->env, e->prog);
    cr_assert_not_null(c->prog, "%s: no program %s", object, e->prog);
}

static void rp_open(struct rp_case *c, const char *object, uint32_t ncpus)
{
    rp_open_jit(c, object, ncpus, 0);
}

static void rp_close(struct rp_case *c)
{
    helper_env_destroy(c->env);
    vm_object_free(c->obj);
    c->env = NULL;
    c->obj = NULL;
}

static void pcap_path(char *buf, size_t len, const char *capture)
{
    if (strchr(capture, '/'))
        snprintf(buf, len, "%s", capture);
    else
        snprintf(buf, len, "%s/pcaps/%s", corpus_dir(), capture);
}

static int rp_run(struct rp_case *c, const char *capture, struct replay_opts *o)
{
    char path[512];
    pcap_path(path, sizeof path, capture);
    o->pcap = path;
    c->rc = replay_run(c->env, c->prog, o, &c->st, c->err, sizeof c->err);
    return c->rc;
}

/* "1=19 2=11 error=2" as EXPECTED.md writes it. */
static void counts_str(const struct replay_stats *st, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (uint32_t i = 0; i < st->n_actions; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%u=%llu", n ? " " : "", st->actions[i].retval,
                              (unsigned long long)st->actions[i].n);
    if (st->refused)
        snprintf(buf + n, len - n, "%serror=%llu", n ? " " : "", (unsigned long long)st->refused);
}

static uint64_t count_of(const struct replay_stats *st, uint32_t retval)
{
    for (uint32_t i = 0; i < st->n_actions; i++)
        if (st->actions[i].retval == retval)
            return st->actions[i].n;
    return 0;
}

static void tmp_path(char *buf, size_t len, const char *name)
{
    const char *t = getenv("TMPDIR");
    snprintf(buf, len, "%s/bpfemu-replay-%d-%s", t && *t ? t : "/tmp", (int)getpid(), name);
}

/* ------------------------------------------------------ capture files */

struct rec {
    uint64_t id;               /* epb_packetid (0 if none) */
    bool has_verdict;
    uint8_t vtype;
    int64_t verdict;
    char comment[512];
    uint32_t queue;
    uint64_t ts;
    uint8_t *data;
    uint32_t caplen, len;
};

struct capfile {
    struct rec *r;
    size_t n;
    bool pcapng;
    uint32_t linktype;
    uint8_t tsresol;
};

static void capfile_free(struct capfile *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->r[i].data);
    free(f->r);
    memset(f, 0, sizeof(*f));
}

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static struct rec *add_rec(struct capfile *f)
{
    f->r = realloc(f->r, (f->n + 1) * sizeof(*f->r));
    cr_assert_not_null(f->r);
    memset(&f->r[f->n], 0, sizeof(f->r[0]));
    return &f->r[f->n++];
}

/* Parse a pcap or pcapng file we wrote (little-endian), strictly. */
static void capfile_read(const char *path, struct capfile *f)
{
    memset(f, 0, sizeof(*f));
    size_t len;
    uint8_t *b = (uint8_t *)slurp_file(path, &len);
    cr_assert_not_null(b, "%s: %s", path, strerror(errno));
    cr_assert_geq(len, 24, "%s: %zu bytes", path, len);
    if (le32(b) == 0xa1b23c4d) {
        f->linktype = le32(b + 20);
        size_t off = 24;
        while (off < len) {
            cr_assert_leq(off + 16, len, "%s: truncated record", path);
            struct rec *r = add_rec(f);
            r->ts = (uint64_t)le32(b + off) * 1000000000ull + le32(b + off + 4);
            r->caplen = le32(b + off + 8);
            r->len = le32(b + off + 12);
            cr_assert_leq(off + 16 + r->caplen, len);
            r->data = malloc(r->caplen + 1);
            memcpy(r->data, b + off + 16, r->caplen);
            off += 16 + r->caplen;
        }
        free(b);
        return;
    }
    f->pcapng = true;
    size_t off = 0;
    while (off < len) {
        cr_assert_leq(off + 12, len, "%s: truncated block at %zu", path, off);
        uint32_t type = le32(b + off), total = le32(b + off + 4);
        cr_assert(total % 4 == 0 && total >= 12 && off + total <= len, "%s: block at %zu: length %u",
                  path, off, total);
        cr_assert_eq(le32(b + off + total - 4), total, "%s: trailing length", path);
        const uint8_t *body = b + off + 8;
        size_t blen = total - 12, opt = 0;
        if (type == 0x0A0D0D0A) {
            cr_assert_eq(le32(body), 0x1A2B3C4D, "SHB byte-order magic");
            cr_assert_eq(le16(body + 4), 1);
            opt = 16;
        } else if (type == 1) {
            f->linktype = le16(body);
            opt = 8;
        } else if (type == 6) {
            struct rec *r = add_rec(f);
            cr_assert_eq(le32(body), 0, "interface id");
            r->ts = (uint64_t)le32(body + 4) << 32 | le32(body + 8);
            r->caplen = le32(body + 12);
            r->len = le32(body + 16);
            r->data = malloc(r->caplen + 1);
            memcpy(r->data, body + 20, r->caplen);
            opt = 20 + ((r->caplen + 3) & ~3u);
        } else {
            cr_assert_fail("%s: unexpected block type %#x", path, type);
        }
        bool end = false;
        while (opt + 4 <= blen && !end) {
            uint16_t code = le16(body + opt), olen = le16(body + opt + 2);
            const uint8_t *v = body + opt + 4;
            cr_assert_leq(opt + 4 + olen, blen, "option %u overruns its block", code);
            if (code == 0) {
                end = true;
            } else if (type == 1 && code == 9) {
                f->tsresol = v[0];
            } else if (type == 6) {
                struct rec *r = &f->r[f->n - 1];
                if (code == 1)
                    snprintf(r->comment, sizeof r->comment, "%.*s", olen, (const char *)v);
                if (code == 5) {
                    cr_assert_eq(olen, 8);
                    memcpy(&r->id, v, 8);
                }
                if (code == 6) {
                    cr_assert_eq(olen, 4);
                    r->queue = le32(v);
                }
                if (code == 7) {
                    cr_assert_eq(olen, 9, "epb_verdict: 1 byte type + 8 bytes");
                    r->has_verdict = true;
                    r->vtype = v[0];
                    memcpy(&r->verdict, v + 1, 8);
                }
            }
            opt += 4 + ((olen + 3u) & ~3u);
        }
        off += total;
    }
    free(b);
}

/* A capture of our own: classic pcap, microsecond timestamps. */
static void write_pcap(const char *path, uint32_t linktype, const struct rec *r, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    uint32_t hdr[6] = {0xa1b2c3d4, 2 | (4u << 16), 0, 0, 262144, linktype};
    fwrite(hdr, sizeof hdr, 1, f);
    for (size_t i = 0; i < n; i++) {
        uint32_t h[4] = {(uint32_t)(r[i].ts / 1000000000ull),
                         (uint32_t)(r[i].ts % 1000000000ull / 1000), r[i].caplen, r[i].len};
        fwrite(h, sizeof h, 1, f);
        fwrite(r[i].data, 1, r[i].caplen, f);
    }
    cr_assert_eq(fclose(f), 0);
}

static void read_corpus_capture(const char *capture, struct capfile *f)
{
    char path[512];
    pcap_path(path, sizeof path, capture);
    struct corpus_pcap pc;
    char err[512];
    cr_assert_eq(corpus_pcap_read(path, &pc, err, sizeof err), 0, "%s", err);
    memset(f, 0, sizeof(*f));
    for (size_t i = 0; i < pc.n; i++) {
        struct rec *r = add_rec(f);
        r->data = pc.pkts[i].data;
        pc.pkts[i].data = NULL;
        r->caplen = r->len = (uint32_t)pc.pkts[i].len;
        r->ts = pc.pkts[i].ts_ns;
    }
    corpus_pcap_free(&pc);
}

static void expect_hex(const uint8_t *p, size_t n, const char *hex, const char *what)
{
    char *h = corpus_hex(p, n);
    cr_expect_str_eq(h, hex, "%s", what);
    free(h);
}

/* ----------------------------------------------- counts = EXPECTED.md */

/* Programs whose verdicts depend only on each flow's own packets: with two
 * workers they must decide exactly as with one. xdp_tenant's byte quota
 * spans every flow, and xdp_ratelimit's buckets are per source address
 * (one source's flows spread over the workers), so the order between
 * flows on different workers changes their verdicts, as it would across a
 * NIC's queues. */
static bool per_flow(const char *object)
{
    return strcmp(object, "xdp_tenant") != 0 && strcmp(object, "xdp_ratelimit") != 0;
}

static void check_manifest(uint32_t threads, unsigned jit)
{
    size_t n;
    const struct corpus_entry *m = corpus_manifest(&n);
    cr_assert(n > 0, "no MANIFEST in %s/..", corpus_dir());
    for (size_t i = 0; i < n; i++) {
        if (threads > 1 && !per_flow(m[i].object))
            continue;
        const char *caps[2] = {m[i].capture, "mixed.pcap"};
        for (int k = 0; k < 2; k++) {
            struct rp_case c;
            rp_open_jit(&c, m[i].object, threads, jit);
            struct replay_opts o = {.threads = threads};
            rp_run(&c, caps[k], &o);
            cr_expect_eq(c.rc, 0, "%s %s: %s", m[i].object, caps[k], c.err);
            char got[256];
            counts_str(&c.st, got, sizeof got);
            const char *want = corpus_expected_counts(m[i].object, caps[k]);
            cr_expect_not_null(want, "EXPECTED.md lacks %s %s", m[i].object, caps[k]);
            if (want)
                cr_expect_str_eq(got, want, "%s %s, %u thread(s)%s", m[i].object, caps[k], threads,
                                 jit ? ", JIT" : "");
            cr_expect_eq(c.st.faults, 0, "%s %s: %s", m[i].object, caps[k], c.st.first_fault);
            cr_expect_eq(c.st.packets, c.st.read, "%s %s", m[i].object, caps[k]);
            rp_close(&c);
        }
    }
}

Test(replay, counts_match_expected, .timeout = 120) { check_manifest(1, 0); }
Test(replay, counts_match_expected_two_threads, .timeout = 120) { check_manifest(2, 0); }
#if defined(__x86_64__)
Test(replay, counts_match_expected_jit, .timeout = 120) { check_manifest(1, JIT_CHECKED); }
Test(replay, counts_match_expected_jit_two_threads, .timeout = 120) { check_manifest(2, JIT_CHECKED); }
#endif

/* ------------------------------------------------------ output bytes */

Test(replay, out_pcapng_bytes_and_verdicts)
{
    struct rp_case c;
    char out[512], tx[512], drop[512], pass[512];
    tmp_path(out, sizeof out, "lb.pcapng");
    tmp_path(tx, sizeof tx, "lb-tx.pcap");
    tmp_path(drop, sizeof drop, "lb-drop.pcapng");
    tmp_path(pass, sizeof pass, "lb-pass.pcap");
    rp_open(&c, "xdp_lb", 1);
    struct replay_opts o = {.out = out, .out_tx = tx, .out_drop = drop, .out_pass = pass,
                            .rx_queue = 3};
    cr_assert_eq(rp_run(&c, "xdp_lb.pcap", &o), 0, "%s", c.err);
    struct capfile in, f;
    read_corpus_capture("xdp_lb.pcap", &in);
    capfile_read(out, &f);
    cr_assert(f.pcapng);
    cr_expect_eq(f.linktype, 1);
    cr_expect_eq(f.tsresol, 9, "if_tsresol: nanoseconds");
    cr_assert_eq(f.n, in.n);
    const char *verdicts = "3333333333333333333313113122211222112";
    static const char *const names[] = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX"};
    for (size_t i = 0; i < f.n; i++) {
        const struct rec *r = &f.r[i];
        cr_expect_eq(r->id, i + 1, "packet ids count from 1");
        cr_expect_eq(r->queue, 3u);
        cr_expect(r->has_verdict && r->vtype == 2, "packet %zu: eBPF XDP verdict", i + 1);
        cr_expect_eq(r->verdict, verdicts[i] - '0', "packet %zu", i + 1);
        cr_expect_str_eq(r->comment, names[verdicts[i] - '0'], "packet %zu", i + 1);
        cr_expect_eq(r->ts, in.r[i].ts, "packet %zu: timestamp kept", i + 1);
        if (verdicts[i] == '3')
            cr_expect_eq(r->caplen, in.r[i].caplen + 20, "packet %zu: IPIP adds 20 bytes", i + 1);
        else
            cr_expect(r->caplen == in.r[i].caplen && !memcmp(r->data, in.r[i].data, r->caplen),
                      "packet %zu: unchanged", i + 1);
        cr_expect_eq(r->len, r->caplen);
    }
    /* the first SYN to the VIP, IP-in-IP encapsulated (test_corpus.c) */
    expect_hex(f.r[0].data, f.r[0].caplen,
               "02005e000101020000000002080045000050000000004004563a0afe0e6f0a000104"
               "4500003c000000004006461ac633640a0a6400019c4000500000000000000000a002faf0"
               "999a0000020405b40402080a0001e2400000000001030307",
               "packet 1");
    expect_hex(f.r[16].data, f.r[16].caplen,
               "02005e00010102000000000208004500003c000000004004a3730afec14a0a000103"
               "45000028000000004011345acb0071050a64000280e8003500142508123401000001000000000000",
               "packet 17");
    /* split outputs: classic pcap by the name, pcapng otherwise */
    struct capfile s;
    capfile_read(tx, &s);
    cr_expect(!s.pcapng);
    cr_expect_eq(s.n, 22);
    cr_expect(s.n && s.r[0].caplen == f.r[0].caplen && !memcmp(s.r[0].data, f.r[0].data, s.r[0].caplen));
    capfile_free(&s);
    capfile_read(drop, &s);
    cr_expect(s.pcapng);
    cr_expect_eq(s.n, 8);
    for (size_t i = 0; i < s.n; i++)
        cr_expect(s.r[i].has_verdict && s.r[i].verdict == 1);
    capfile_free(&s);
    capfile_read(pass, &s);
    cr_expect_eq(s.n, 7);
    capfile_free(&s);
    capfile_free(&f);
    capfile_free(&in);
    remove(out);
    remove(tx);
    remove(drop);
    remove(pass);
    rp_close(&c);
}

Test(replay, out_tc_verdicts_and_refused_packets)
{
    struct rp_case c;
    char out[512];
    tmp_path(out, sizeof out, "tc.pcapng");
    rp_open(&c, "tc_rewrite", 1);
    struct replay_opts o = {.out = out};
    cr_assert_eq(rp_run(&c, "tc_rewrite.pcap", &o), 0, "%s", c.err);
    cr_expect_eq(c.st.refused, 2);
    cr_expect_eq(c.st.first_refused_pkt, 16);
    cr_expect_str_eq(c.st.first_refused, "IPv4 packet shorter than its header (12 bytes)");
    struct capfile f;
    capfile_read(out, &f);
    cr_assert_eq(f.n, 17);
    const char *verdicts = "000000000000022EE";
    for (size_t i = 0; i < f.n; i++) {
        if (verdicts[i] == 'E') {
            cr_expect(!f.r[i].has_verdict, "packet %zu: not run, no verdict", i + 1);
            cr_expect(!strncmp(f.r[i].comment, "bpfemu: not run: IPv4 packet shorter", 36),
                      "packet %zu: comment '%s'", i + 1, f.r[i].comment);
        } else {
            cr_expect(f.r[i].has_verdict && f.r[i].vtype == 1, "packet %zu: eBPF TC verdict", i + 1);
            cr_expect_eq(f.r[i].verdict, verdicts[i] - '0');
        }
    }
    /* DNS to 10.96.0.10:53 rewritten to 10.0.2.53:5353 (test_corpus.c) */
    expect_hex(f.r[0].data, f.r[0].caplen,
               "020000000002020000000001080045b8003d00000000401161cb0af401050a000235a02814e9"
               "00293c33abcd0100000100000000000003777777076578616d706c6503636f6d0000010001",
               "packet 1");
    cr_expect_str_eq(f.r[0].comment, "TC_ACT_OK");
    cr_expect_str_eq(f.r[13].comment, "TC_ACT_SHOT");
    capfile_free(&f);
    remove(out);
    rp_close(&c);
}

/* ------------------------------------------------------------- maps */

static void expect_map(struct helper_env *env, const char *map, const char *khex, const char *vhex)
{
    struct maps_map *m = helper_env_map(env, map);
    cr_assert_not_null(m, "no map %s", map);
    size_t kn, vn;
    uint8_t *k = corpus_unhex(khex, &kn);
    uint8_t val[1024] = {0};
    int rc = maps_user_lookup(m, k, val);
    cr_expect_eq(rc, 0, "%s[%s]: %d", map, khex, rc);
    uint8_t *v = corpus_unhex(vhex, &vn);
    char *got = corpus_hex(val, vn);
    cr_expect_str_eq(got, vhex, "%s[%s]", map, khex);
    free(got);
    free(k);
    free(v);
}

Test(replay, final_maps)
{
    struct rp_case c;
    rp_open(&c, "xdp_counter", 1);
    struct replay_opts o = {0};
    cr_assert_eq(rp_run(&c, "xdp_counter.pcap", &o), 0, "%s", c.err);
    /* .bss total packets / bytes / non-IP / parse errors (test_corpus.c) */
    expect_map(c.env, ".bss", "00000000",
               "1400000000000000580400000000000003000000000000000200000000000000");
    expect_map(c.env, "rxcnt", "06000000", "0600000000000000");
    expect_map(c.env, "rxcnt", "11000000", "0500000000000000");
    expect_map(c.env, "proto_stats", "06000000", "0600000000000000c801000000000000");
    expect_map(c.env, "proto_stats", "3a000000", "01000000000000004e00000000000000");
    cr_expect_eq(c.st.helper_calls[BPF_FUNC_map_lookup_elem] > 0, true);
    rp_close(&c);
}

/* Per-CPU maps with two workers: each CPU holds its own flows' counts and
 * the CPUs add up to the one-worker run's. */
Test(replay, percpu_maps_two_threads)
{
    struct rp_case c;
    rp_open(&c, "xdp_firewall", 2);
    struct replay_opts o = {.threads = 2};
    cr_assert_eq(rp_run(&c, "mixed.pcap", &o), 0, "%s", c.err);
    struct maps_map *m = helper_env_map(c.env, "xdp_stats_map");
    cr_assert_not_null(m);
    struct { uint64_t pkts, bytes; } v[2];
    uint32_t key = 1; /* XDP_DROP */
    cr_assert_eq(maps_user_lookup(m, &key, v), 0);
    cr_expect_eq(v[0].pkts + v[1].pkts, 39, "drops on CPU 0 + CPU 1");
    key = 2;
    cr_assert_eq(maps_user_lookup(m, &key, v), 0);
    cr_expect_eq(v[0].pkts + v[1].pkts, 258, "passes on CPU 0 + CPU 1");
    cr_expect(v[0].pkts && v[1].pkts, "both workers got flows (%llu, %llu)",
              (unsigned long long)v[0].pkts, (unsigned long long)v[1].pkts);
    /* --map-out lists one value per CPU */
    char path[512];
    tmp_path(path, sizeof path, "maps.json");
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    map_json_dump(f, c.env, 2);
    fclose(f);
    char *text = slurp_file(path, NULL);
    cr_expect_not_null(strstr(text, "\"values\": [\""), "per-CPU values in --map-out");
    free(text);
    remove(path);
    rp_close(&c);
}

/* ------------------------------------------------- trace and events */

Test(replay, trace_and_events)
{
    struct rp_case c;
    char tr[512], ev[512];
    tmp_path(tr, sizeof tr, "trace.txt");
    tmp_path(ev, sizeof ev, "events.txt");
    rp_open(&c, "xdp_events", 1);
    struct replay_opts o = {.trace = tr, .events = ev};
    cr_assert_eq(rp_run(&c, "xdp_events.pcap", &o), 0, "%s", c.err);
    char *t = slurp_file(tr, NULL), *e = slurp_file(ev, NULL);
    cr_assert(t && e);
    cr_expect_str_eq(t, "4: xdp_events: ECN SYN from c6336408 port 40001\n");
    size_t lines = 0;
    for (char *p = e; *p; p++)
        lines += *p == '\n';
    cr_expect_eq(lines, 9, "9 ring buffer records");
    cr_expect(!strncmp(e, "1 ringbuf events 0100000001000000c6336407c000020a9c4001bbefbeaddef0fa3d284a000000\n", 82),
              "first record: %.90s", e);
    free(t);
    free(e);
    remove(tr);
    remove(ev);
    rp_close(&c);
    /* mixed.pcap with one worker and with two: the same records, in
     * capture order */
    char *one = NULL;
    for (uint32_t threads = 1; threads <= 2; threads++) {
        rp_open(&c, "xdp_events", threads);
        struct replay_opts o2 = {.events = ev, .threads = threads};
        cr_assert_eq(rp_run(&c, "mixed.pcap", &o2), 0, "%s", c.err);
        e = slurp_file(ev, NULL);
        cr_assert_not_null(e);
        unsigned long prev = 0, cur;
        size_t n = 0;
        for (char *p = e; *p; p = strchr(p, '\n') + 1) {
            cr_assert_eq(sscanf(p, "%lu ringbuf events ", &cur), 1, "line '%.40s'", p);
            cr_expect_geq(cur, prev, "records in capture order");
            prev = cur;
            n++;
        }
        cr_expect_eq(n, 82, "%u thread(s): %zu records", threads, n);
        if (one)
            cr_expect_str_eq(e, one, "two workers, the same records");
        free(one);
        one = e;
        remove(ev);
        rp_close(&c);
    }
    free(one);
}

/* ------------------------------------------------------------ shards */

Test(replay, shards_partition_the_capture)
{
    uint64_t packets = 0, drop = 0, pass = 0, other = 0;
    for (uint32_t k = 0; k < 3; k++) {
        struct rp_case c;
        rp_open(&c, "xdp_firewall", 1);
        struct replay_opts o = {.shard_k = k, .shard_n = 3};
        cr_assert_eq(rp_run(&c, "mixed.pcap", &o), 0, "%s", c.err);
        cr_expect(c.st.packets > 0, "shard %u is empty", k);
        cr_expect_eq(c.st.packets + c.st.other_shards, 297);
        packets += c.st.packets;
        other += c.st.other_shards;
        drop += count_of(&c.st, 1);
        pass += count_of(&c.st, 2);
        rp_close(&c);
    }
    cr_expect_eq(packets, 297);
    cr_expect_eq(other, 2 * 297);
    cr_expect_eq(drop, 39);
    cr_expect_eq(pass, 258);
}

Test(replay, flow_hash_is_symmetric)
{
    struct capfile in;
    read_corpus_capture("mixed.pcap", &in);
    for (size_t i = 0; i < in.n; i++) {
        struct rec *r = &in.r[i];
        if (r->caplen < 38 || r->data[12] != 0x08 || r->data[13] != 0x00 || (r->data[14] & 15) < 5)
            continue;
        uint8_t *sw = malloc(r->caplen);
        memcpy(sw, r->data, r->caplen);
        size_t ihl = (size_t)(sw[14] & 15) * 4;
        uint8_t t[4];
        memcpy(t, sw + 26, 4), memcpy(sw + 26, sw + 30, 4), memcpy(sw + 30, t, 4);
        if ((sw[23] == 6 || sw[23] == 17) && 14 + ihl + 4 <= r->caplen) {
            memcpy(t, sw + 14 + ihl, 2);
            memcpy(sw + 14 + ihl, sw + 16 + ihl, 2);
            memcpy(sw + 16 + ihl, t, 2);
        }
        cr_expect_eq(replay_flow_hash(r->data, r->caplen), replay_flow_hash(sw, r->caplen),
                     "packet %zu: reply direction hashes differently", i + 1);
        free(sw);
    }
    capfile_free(&in);
}

/* ------------------------------------------------- link-type conversion */

/* xdp_firewall.pcap as Linux cooked (v1 and v2) and raw IP captures: every
 * frame the conversion can carry gets the Ethernet replay's verdict and
 * output bytes (past the MAC addresses, which the conversion makes up). */
static void check_converted(uint32_t linktype, const char *note_start)
{
    struct capfile in, conv = {0};
    read_corpus_capture("xdp_firewall.pcap", &in);
    uint64_t *numbers = calloc(in.n, sizeof(*numbers));
    for (size_t i = 0; i < in.n; i++) {
        const struct rec *r = &in.r[i];
        if (r->caplen < 14)
            continue; /* runts have no link header to convert */
        uint16_t type = (uint16_t)(r->data[12] << 8 | r->data[13]);
        if (linktype == 101 && (r->caplen < 15 || !((type == 0x0800 && r->data[14] >> 4 == 4) ||
                                 (type == 0x86dd && r->data[14] >> 4 == 6))))
            continue; /* raw IP carries IP only, its version says which */
        size_t hdr = linktype == 113 ? 16 : linktype == 276 ? 20 : 0;
        struct rec *o = add_rec(&conv);
        o->caplen = o->len = (uint32_t)(r->caplen - 14 + hdr);
        o->ts = r->ts;
        o->data = calloc(1, o->caplen + 1);
        memcpy(o->data + hdr, r->data + 14, r->caplen - 14);
        if (linktype == 113) { /* pkttype 0 (host), ARPHRD_ETHER, 6-byte address, protocol */
            o->data[3] = 1;
            o->data[5] = 6;
            memcpy(o->data + 6, r->data + 6, 6);
            o->data[14] = r->data[12];
            o->data[15] = r->data[13];
        } else if (linktype == 276) {
            o->data[0] = r->data[12];
            o->data[1] = r->data[13];
            o->data[7] = 2;  /* ifindex */
            o->data[9] = 1;  /* ARPHRD_ETHER */
            o->data[11] = 6;
            memcpy(o->data + 12, r->data + 6, 6);
        }
        numbers[conv.n - 1] = i + 1;
    }
    char cpath[512], out1[512], out2[512];
    tmp_path(cpath, sizeof cpath, "conv.pcap");
    tmp_path(out1, sizeof out1, "conv-eth.pcapng");
    tmp_path(out2, sizeof out2, "conv-out.pcapng");
    write_pcap(cpath, linktype, conv.r, conv.n);
    struct rp_case c;
    rp_open(&c, "xdp_firewall", 1);
    struct replay_opts o = {.out = out1};
    cr_assert_eq(rp_run(&c, "xdp_firewall.pcap", &o), 0, "%s", c.err);
    rp_close(&c);
    rp_open(&c, "xdp_firewall", 1);
    struct replay_opts o2 = {.out = out2};
    cr_assert_eq(rp_run(&c, cpath, &o2), 0, "%s", c.err);
    cr_expect(!strncmp(c.st.note, note_start, strlen(note_start)), "note: %s", c.st.note);
    cr_expect_eq(c.st.packets, conv.n);
    struct capfile a, b;
    capfile_read(out1, &a);
    capfile_read(out2, &b);
    cr_assert_eq(b.n, conv.n);
    for (size_t i = 0; i < b.n; i++) {
        const struct rec *x = &a.r[numbers[i] - 1], *y = &b.r[i];
        cr_expect_eq(y->verdict, x->verdict, "converted packet %zu (original %llu)", i + 1,
                     (unsigned long long)numbers[i]);
        cr_expect(y->caplen == x->caplen && !memcmp(y->data + 12, x->data + 12, y->caplen - 12),
                  "converted packet %zu: bytes", i + 1);
    }
    if (linktype == 113)
        cr_expect(!memcmp(b.r[0].data, "\0\0\0\0\0\0", 6) && !memcmp(b.r[0].data + 6, in.r[0].data + 6, 6),
                  "SLL to us: dst 00:00:00:00:00:00, src from the header");
    capfile_free(&a);
    capfile_free(&b);
    capfile_free(&conv);
    capfile_free(&in);
    free(numbers);
    remove(cpath);
    remove(out1);
    remove(out2);
    rp_close(&c);
}

Test(replay, linux_cooked_sll) { check_converted(113, "Linux cooked capture (SLL) converted to Ethernet"); }
Test(replay, linux_cooked_sll2) { check_converted(276, "Linux cooked capture v2 (SLL2) converted to Ethernet"); }
Test(replay, raw_ip) { check_converted(101, "raw IP capture converted to Ethernet"); }

Test(replay, unsupported_link_type)
{
    char path[512];
    tmp_path(path, sizeof path, "wifi.pcap");
    struct rec r = {.data = (uint8_t *)"0123456789abcdefghij", .caplen = 20, .len = 20};
    write_pcap(path, 105, &r, 1); /* IEEE 802.11 */
    struct rp_case c;
    rp_open(&c, "xdp_firewall", 1);
    struct replay_opts o = {0};
    cr_expect_eq(rp_run(&c, path, &o), REPLAY_ERR_SETUP);
    char want[1024];
    snprintf(want, sizeof want,
             "%s: unsupported link type IEEE802_11 (105): replay takes Ethernet, Linux cooked "
             "(SLL, SLL2), raw IP and BSD loopback captures",
             path);
    cr_expect_str_eq(c.err, want);
    remove(path);
    rp_close(&c);
}

/* ------------------------------------------------------- bad captures */

Test(replay, snapped_packets)
{
    struct capfile in;
    read_corpus_capture("xdp_firewall.pcap", &in);
    /* snap every frame to 34 bytes (Ethernet + IPv4 header), wire length kept */
    for (size_t i = 0; i < in.n; i++)
        if (in.r[i].caplen > 34)
            in.r[i].caplen = 34;
    char path[512], out[512];
    tmp_path(path, sizeof path, "snap.pcap");
    tmp_path(out, sizeof out, "snap-out.pcapng");
    write_pcap(path, 1, in.r, in.n);
    struct rp_case c;
    rp_open(&c, "xdp_firewall", 1);
    struct replay_opts o = {.out = out};
    cr_assert_eq(rp_run(&c, path, &o), 0, "%s", c.err);
    size_t snapped = 0;
    for (size_t i = 0; i < in.n; i++)
        snapped += in.r[i].caplen < in.r[i].len;
    cr_expect_eq(c.st.snapped, snapped);
    cr_expect_gt(snapped, 20);
    cr_expect_eq(c.st.packets, in.n);
    struct capfile f;
    capfile_read(out, &f);
    for (size_t i = 0; i < f.n; i++) {
        cr_expect_eq(f.r[i].caplen, in.r[i].caplen, "packet %zu: the captured bytes", i + 1);
        cr_expect_eq(f.r[i].len, in.r[i].len, "packet %zu: wire length kept", i + 1);
    }
    capfile_free(&f);
    capfile_free(&in);
    remove(path);
    remove(out);
    rp_close(&c);
}

Test(replay, truncated_capture)
{
    char src[512], path[512];
    pcap_path(src, sizeof src, "xdp_firewall.pcap");
    tmp_path(path, sizeof path, "trunc.pcap");
    size_t len;
    char *b = slurp_file(src, &len);
    cr_assert_not_null(b);
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, 1000, f); /* cut inside packet 14's data */
    fclose(f);
    struct rp_case c;
    rp_open(&c, "xdp_firewall", 1);
    struct replay_opts o = {0};
    cr_expect_eq(rp_run(&c, path, &o), REPLAY_ERR_INPUT);
    cr_expect_str_eq(c.err, "packet 14: truncated dump file; tried to read 68 captured bytes, only got 13");
    cr_expect_eq(c.st.packets, 13, "what came before is replayed");
    rp_close(&c);
    /* cut inside a record header, with two workers */
    f = fopen(path, "wb");
    fwrite(b, 1, 24 + 16 + 54 + 5, f);
    fclose(f);
    rp_open(&c, "xdp_firewall", 2);
    struct replay_opts o2 = {.threads = 2};
    cr_expect_eq(rp_run(&c, path, &o2), REPLAY_ERR_INPUT);
    cr_expect_str_eq(c.err, "packet 2: truncated dump file; tried to read 16 header bytes, only got 5");
    cr_expect_eq(c.st.packets, 1);
    rp_close(&c);
    /* not a capture */
    f = fopen(path, "wb");
    fwrite("this is not a capture file at all", 1, 33, f);
    fclose(f);
    rp_open(&c, "xdp_firewall", 1);
    cr_expect_eq(rp_run(&c, path, &o), REPLAY_ERR_SETUP);
    char want[600];
    snprintf(want, sizeof want, "%s: unknown file format", path);
    cr_expect_str_eq(c.err, want);
    rp_close(&c);
    free(b);
    remove(path);
}

/* ---------------------------------------------------------------- CLI */

static const char *bpfemu(void)
{
    const char *b = getenv("BPFEMU");
    return b && *b ? b : "../build/bpfemu";
}

/* Run a shell command; stdout and stderr into malloc'd strings. */
static int sh(const char *cmd, char **out, char **err)
{
    char o[512], e[512], full[4096];
    tmp_path(o, sizeof o, "cli.out");
    tmp_path(e, sizeof e, "cli.err");
    snprintf(full, sizeof full, "%s >%s 2>%s", cmd, o, e);
    int st = system(full);
    *out = slurp_file(o, NULL);
    *err = slurp_file(e, NULL);
    remove(o);
    remove(e);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(replay, cli_summary_and_errors)
{
    char cmd[2048], *out, *err;
    const char *d = corpus_dir();
    snprintf(cmd, sizeof cmd,
             "%s replay %s/xdp_firewall.o --pcap %s/pcaps/mixed.pcap --map-in "
             "%s/pcaps/xdp_firewall.maps.json --threads 2 --json",
             bpfemu(), d, d, d);
    int rc = sh(cmd, &out, &err);
    cr_assert_eq(rc, 0, "%s: exit %d: %s", cmd, rc, err);
    char jerr[256];
    struct json *j = json_parse(out, strlen(out), jerr, sizeof jerr);
    cr_assert_not_null(j, "%s: %s", jerr, out);
    uint64_t v;
    cr_expect(json_u64(json_get(j, "packets"), &v) && v == 297);
    cr_expect(json_u64(json_get(j, "threads"), &v) && v == 2);
    const struct json *a = json_get(j, "actions");
    cr_expect(json_u64(json_get(a, "XDP_DROP"), &v) && v == 39);
    cr_expect(json_u64(json_get(a, "XDP_PASS"), &v) && v == 258);
    const struct json *h = json_get(j, "helper_calls");
    cr_expect(json_u64(json_get(h, "bpf_map_lookup_elem"), &v) && v > 0);
    cr_expect_not_null(json_get(j, "ns_per_packet"));
    cr_expect_eq(json_get(j, "error")->type, JSON_NULL);
    json_free(j);
    free(out);
    free(err);

    /* a truncated capture: the summary of what ran, then one error line, exit 2 */
    char src[512], path[512];
    pcap_path(src, sizeof src, "xdp_firewall.pcap");
    tmp_path(path, sizeof path, "cli-trunc.pcap");
    size_t len;
    char *b = slurp_file(src, &len);
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, 1000, f);
    fclose(f);
    free(b);
    snprintf(cmd, sizeof cmd, "%s replay %s/xdp_firewall.o --pcap %s", bpfemu(), d, path);
    rc = sh(cmd, &out, &err);
    cr_expect_eq(rc, 2);
    char want[1024];
    snprintf(want, sizeof want,
             "bpfemu: %s: packet 14: truncated dump file; tried to read 68 captured bytes, only "
             "got 13 (13 packets replayed before it)\n",
             path);
    cr_expect_str_eq(err, want);
    cr_expect_not_null(strstr(out, "packets 13 "), "%s", out);
    free(out);
    free(err);
    remove(path);

    /* usage */
    snprintf(cmd, sizeof cmd, "%s replay %s/xdp_firewall.o --pcap x --threads 0", bpfemu(), d);
    rc = sh(cmd, &out, &err);
    cr_expect_eq(rc, 2);
    cr_expect_str_eq(err, "bpfemu: --threads: invalid value '0' (expected an integer from 1 to 256)\n");
    free(out);
    free(err);
    snprintf(cmd, sizeof cmd, "%s replay %s/xdp_firewall.o", bpfemu(), d);
    rc = sh(cmd, &out, &err);
    cr_expect_eq(rc, 2);
    cr_expect_str_eq(err, "bpfemu: replay: missing --pcap IN (see bpfemu replay --help)\n");
    free(out);
    free(err);
}

/* ------------------------------------------- the kernel differential */

/* kernel-run's per-packet lines for a capture: "<i> <retval> <hex>" or
 * "<i> error <ERR>". Returns the exit status (2: bpf() not permitted). */
static int kernel_lines(const struct corpus_entry *e, const char *capture, char ***lines, size_t *n)
{
    char cmd[2048], path[512];
    pcap_path(path, sizeof path, capture);
    snprintf(cmd, sizeof cmd, "%s/kernel-run %s -i %s/pcaps/%s.maps %s/%s.o %s %s 2>&1",
             corpus_dir(), e->opts, corpus_dir(), e->object, corpus_dir(), e->object, e->prog, path);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    *lines = NULL;
    *n = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, p)) > 0) {
        line[strcspn(line, "\n")] = 0;
        *lines = realloc(*lines, (*n + 1) * sizeof(char *));
        (*lines)[(*n)++] = strdup(line);
    }
    free(line);
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(replay, kernel_differential, .timeout = 300)
{
    char kr[512];
    snprintf(kr, sizeof kr, "%s/kernel-run", corpus_dir());
    if (access(kr, X_OK) != 0) {
        printf("SKIP: replay vs kernel: %s not built (make -C corpus)\n", kr);
        return;
    }
    size_t nm;
    const struct corpus_entry *m = corpus_manifest(&nm);
    cr_assert(nm > 0);
    for (size_t i = 0; i < nm; i++) {
        const char *caps[2] = {m[i].capture, "mixed.pcap"};
        for (int k = 0; k < 2; k++) {
            char **lines;
            size_t n;
            int rc = kernel_lines(&m[i], caps[k], &lines, &n);
            if (rc == 2) {
                printf("SKIP: replay vs kernel: bpf() is not permitted here\n");
                for (size_t l = 0; l < n; l++)
                    free(lines[l]);
                free(lines);
                return;
            }
            if (rc == 3) {
                /* this kernel build withholds a helper the object calls */
                printf("SKIP: replay vs kernel: %s %s: %s\n", m[i].object, caps[k],
                       n ? lines[n - 1] : "");
                for (size_t l = 0; l < n; l++)
                    free(lines[l]);
                free(lines);
                continue;
            }
            cr_assert_eq(rc, 0, "kernel-run %s %s failed: %s", m[i].object, caps[k],
                         n ? lines[n - 1] : "");
            /* the checked interpreter, checked JIT code, and the trusted
             * interpreter after bpfemu's verifier (when it accepts) */
            enum { RP_VERIFIED = 1u << 30 };
            static const unsigned engines[] = {0, RP_VERIFIED,
#if defined(__x86_64__)
                                               JIT_CHECKED, RP_VERIFIED | JIT_CHECKED
#endif
            };
            for (size_t en = 0; en < sizeof engines / sizeof engines[0]; en++) {
                char out[512];
                tmp_path(out, sizeof out, "kdiff.pcapng");
                struct rp_case c;
                rp_open_jit(&c, m[i].object, 1, engines[en] & ~(unsigned)RP_VERIFIED);
                if (engines[en] & RP_VERIFIED) {
                    char verr[256];
                    cr_assert_eq(helper_env_verify(c.env, 0, verr, sizeof verr), 0, "%s", verr);
                    if (!helper_prog_verdict(c.prog)->accepted) {
                        rp_close(&c);
                        continue;
                    }
                }
                struct replay_opts o = {.out = out};
                cr_expect_eq(rp_run(&c, caps[k], &o), 0, "%s", c.err);
                struct capfile f;
                capfile_read(out, &f);
                size_t mismatches = 0, compared = 0;
                for (size_t l = 0; l < n; l++) {
                    unsigned long idx;
                    char what[32];
                    int off = 0;
                    if (sscanf(lines[l], "%lu %31s %n", &idx, what, &off) < 2)
                        continue;
                    cr_assert_lt(idx, f.n, "%s %s: kernel packet %lu beyond the replay's %zu",
                                 m[i].object, caps[k], idx, f.n);
                    const struct rec *r = &f.r[idx];
                    /* pcapng has verdict types for XDP and tc only: other
                     * programs' return values are in the comment */
                    long long verdict = r->verdict;
                    bool has_verdict = r->has_verdict ||
                                       sscanf(r->comment, "retval %lld", &verdict) == 1;
                    char mine[64];
                    if (!has_verdict)
                        snprintf(mine, sizeof mine, "error");
                    else
                        snprintf(mine, sizeof mine, "%lld", verdict);
                    bool same;
                    if (!strcmp(what, "error")) {
                        same = !has_verdict && !strncmp(r->comment, "bpfemu: not run:", 16);
                    } else {
                        char *hex = corpus_hex(r->data, r->caplen);
                        same = has_verdict && (uint32_t)verdict == strtoul(what, NULL, 10) &&
                               !strcmp(hex, lines[l] + off);
                        free(hex);
                    }
                    compared++;
                    if (!same && mismatches++ < 3)
                        cr_expect_fail("%s %s packet %lu (%s): kernel '%.80s', replay %s (%s)",
                                       m[i].object, caps[k], idx,
                                       engines[en] == RP_VERIFIED   ? "verified, interpreter"
                                       : engines[en] & RP_VERIFIED ? "verified, JIT"
                                       : engines[en]               ? "JIT"
                                                                   : "interpreter",
                                       lines[l], mine, r->comment);
                }
                cr_expect_eq(compared, f.n, "%s %s: %zu kernel lines for %zu packets", m[i].object,
                             caps[k], compared, f.n);
                cr_expect_eq(mismatches, 0, "%s %s: %zu packets differ", m[i].object, caps[k],
                             mismatches);
                capfile_free(&f);
                remove(out);
                rp_close(&c);
            }
            for (size_t l = 0; l < n; l++)
                free(lines[l]);
            free(lines);
        }
    }
}

/* ------------------------------------------- pcapng input, redirects */

/* Our pcapng output read back as input: same verdicts, nanosecond
 * timestamps kept through both. */
Test(replay, pcapng_input_round_trip)
{
    char out1[512], out2[512];
    tmp_path(out1, sizeof out1, "rt1.pcapng");
    tmp_path(out2, sizeof out2, "rt2.pcapng");
    struct rp_case c;
    rp_open(&c, "xdp_firewall", 1);
    struct replay_opts o = {.out = out1};
    cr_assert_eq(rp_run(&c, "mixed.pcap", &o), 0, "%s", c.err);
    rp_close(&c);
    rp_open(&c, "xdp_firewall", 1);
    struct replay_opts o2 = {.out = out2};
    cr_assert_eq(rp_run(&c, out1, &o2), 0, "%s", c.err);
    cr_expect_eq(count_of(&c.st, 1), 39);
    cr_expect_eq(count_of(&c.st, 2), 258);
    struct capfile a, b;
    capfile_read(out1, &a);
    capfile_read(out2, &b);
    cr_assert_eq(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        cr_expect_eq(a.r[i].ts, b.r[i].ts, "packet %zu: timestamp", i + 1);
        cr_expect_eq(a.r[i].verdict, b.r[i].verdict, "packet %zu: verdict", i + 1);
        cr_expect(a.r[i].caplen == b.r[i].caplen && !memcmp(a.r[i].data, b.r[i].data, a.r[i].caplen));
    }
    capfile_free(&a);
    capfile_free(&b);
    remove(out1);
    remove(out2);
    rp_close(&c);
}

/* A program of our own that redirects IPv4 frames to ifindex 5 and IPv6
 * frames to ifindex 6 (bpf_redirect), and passes the rest: the summary
 * counts per target, --out-redirect gets them, the comment names them. */
Test(replay, redirect_targets)
{
    static const char text[] =
        "r2 = *(u32 *)(r1 +0)\n"
        "r3 = *(u32 *)(r1 +4)\n"
        "r4 = r2\n"
        "r4 += 14\n"
        "r0 = 2\n"
        "if r4 > r3 goto +7\n"
        "r5 = *(u16 *)(r2 +12)\n"
        "r1 = 5\n"
        "if r5 == 0x8 goto +2\n"
        "r1 = 6\n"
        "if r5 != 0xdd86 goto +2\n"
        "r2 = 0\n"
        "call bpf_redirect#23\n"
        "exit\n";
    char err[512];
    static struct vm_obj_prog p;
    static struct vm_object obj;
    memset(&p, 0, sizeof p);
    memset(&obj, 0, sizeof obj);
    cr_assert_eq(vm_asm(text, sizeof text - 1, "redir", &p.prog, err, sizeof err), 0, "%s", err);
    snprintf(p.name, sizeof p.name, "redir");
    snprintf(p.section, sizeof p.section, "xdp");
    p.prog_type = BPF_PROG_TYPE_XDP;
    snprintf(obj.license, sizeof obj.license, "GPL");
    obj.progs = &p;
    obj.n_progs = 1;
    struct helper_env *env;
    cr_assert_eq(helper_env_create(&obj, NULL, &env, err, sizeof err), 0, "%s", err);
    char out[512], red[512], path[512];
    tmp_path(out, sizeof out, "redir.pcapng");
    tmp_path(red, sizeof red, "redir-only.pcap");
    pcap_path(path, sizeof path, "mixed.pcap");
    struct replay_opts o = {.pcap = path, .out = out, .out_redirect = red};
    struct replay_stats st;
    int rc = replay_run(env, helper_env_prog(env, "redir"), &o, &st, err, sizeof err);
    cr_assert_eq(rc, 0, "%s", err);
    cr_assert_eq(st.n_redirects, 2);
    uint64_t v4 = 0, v6 = 0;
    for (uint32_t i = 0; i < st.n_redirects; i++) {
        char name[64];
        replay_redirect_name(&st.redirects[i], name, sizeof name);
        if (!strcmp(name, "ifindex 5"))
            v4 = st.redirects[i].n;
        else if (!strcmp(name, "ifindex 6"))
            v6 = st.redirects[i].n;
        else
            cr_expect_fail("unexpected target %s", name);
    }
    cr_expect_gt(v4, 100);
    cr_expect_gt(v6, 10);
    cr_expect_eq(count_of(&st, 4), v4 + v6);
    struct capfile f, r;
    capfile_read(out, &f);
    capfile_read(red, &r);
    cr_expect_eq(r.n, v4 + v6);
    size_t seen = 0;
    for (size_t i = 0; i < f.n; i++)
        if (f.r[i].verdict == 4) {
            seen++;
            cr_expect(!strcmp(f.r[i].comment, "XDP_REDIRECT ifindex 5") ||
                          !strcmp(f.r[i].comment, "XDP_REDIRECT ifindex 6"),
                      "packet %zu: comment '%s'", i + 1, f.r[i].comment);
        }
    cr_expect_eq(seen, v4 + v6);
    capfile_free(&f);
    capfile_free(&r);
    remove(out);
    remove(red);
    helper_env_destroy(env);
    vm_prog_free(p.prog);
}
