/* tools/cmd_test.c - `bpfemu test FILE.yaml...`: declarative unit tests of
 * BPF programs (tools/testspec.c reads the files, the C test API of
 * include/bpfemu_test.h runs them, tools/test_report.c reports). */
#include "bpfemu_test.h"
#include "tools/cov_cli.h"
#include "tools/test_report.h"
#include "tools/testspec_sock.h"
#include "tools/testspec.h"
#include "tools/tools.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char test_help[] =
    "usage: bpfemu test FILE.yaml... [--junit FILE] [--tap] [--coverage FILE.info]\n"
    "                   [--annotate] [--filter TEXT] [--quiet]\n"
    "\n"
    "Run the unit tests of BPF programs described in YAML test files. Each test\n"
    "opens an object, fills its maps, mocks helpers, runs one of its programs on\n"
    "a packet the way BPF_PROG_TEST_RUN does, and checks what it returned, the\n"
    "packet it left, its maps, its trace_printk lines and the helpers it called.\n"
    "Every test starts from fresh maps.\n"
    "\n"
    "  object: ../build/xdp_firewall.o   # relative to the test file\n"
    "  program: xdp_firewall_prog        # function or section (default: the only one)\n"
    "  maps:                             # for every test, before the test's own\n"
    "    blocklist_v4: {\"203.0.113.0/24\": {rule_id: 7}}\n"
    "  mocks: {ktime_get_ns: 1000000}    # for every test\n"
    "  tests:\n"
    "    - name: a blocked source is dropped\n"
    "      packet: [eth: {}, ipv4: {src: 203.0.113.9}, tcp: {dport: 80}]\n"
    "      expect:\n"
    "        action: XDP_DROP\n"
    "        maps: {blocklist_v4: {\"203.0.113.0/24\": {hits: 1}}}\n"
    "\n"
    "A test: name, object, program, ncpus, cpu, maps, mocks, skip (a reason), and\n"
    "either packet / ctx / socket / repeat / expect, or steps: a list of those run one\n"
    "after the other on the same maps (a step without a packet or ctx keeps the\n"
    "previous step's; ctx: {} clears it).\n"
    "  packet   hex bytes (\"02 00 00 ...\"), a packet string (\"eth / ipv4(src=\n"
    "           10.0.0.1) / udp(dport=53) / payload(hex=0102)\"), layers by fields\n"
    "           ([eth: {src: ...}, vlan: 100, ipv4: {ttl: 1}, tcp: {flags: [SYN, ACK]},\n"
    "           payload: \"text\", truncate: 30]; checksums and lengths computed\n"
    "           unless given), or {pcap: FILE, index: N}\n"
    "  ctx      struct xdp_md / __sk_buff fields: {ingress_ifindex: 2, mark: 7}\n"
    "  socket   skb programs: the socket skb->sk is ({family: inet, protocol: udp,\n"
    "           src: 10.0.0.2:53, dst: 10.0.0.1:4000, uid: 1000, cookie: 7,\n"
    "           state: established}); fields not given are the test run's socket's\n"
    "  event    instead of packet, for kprobe / tracepoint / raw tracepoint\n"
    "           programs: {task: {pid, tgid, uid, gid, comm}, fields: {NAME: V}\n"
    "           (tracepoint, by its format: tracepoint_format: FILE), regs:\n"
    "           {di: V, parm2: V} (kprobe), args: [V...] (raw tracepoint),\n"
    "           memory: {ADDR: \"string\" | {hex: ...}}, time_ns, cpu, cookie}\n"
    "           (docs/tracing.md)\n"
    "  maps     per map, a mapping of key: value ({\"10.0.0.0/8\": {rule_id: 1}},\n"
    "           {1: 5}), or a list of {key, value} / {key, values: [per CPU]};\n"
    "           keys and values by their BTF fields, integers, addresses or hex\n"
    "           bytes (\"01 00 00 00\"); a global-data section (.bss, .data,\n"
    "           .rodata) as a mapping of its variables\n"
    "  mocks    per helper: a value (every call), a list (call by call, the last\n"
    "           repeats), {ret: N, out: {arg: 3, hex: \"...\"}}, or for fib_lookup\n"
    "           {ret: 0, ifindex: 3, smac: ..., dmac: ...}\n"
    "  expect   action or return (XDP_DROP, drop, 1), error (the run must fail\n"
    "           with a message containing this), packet (the whole output\n"
    "           packet, in any of the input forms, or unchanged), packet_fields\n"
    "           (only these layers and fields; csum: valid), packet_len, maps\n"
    "           (as above, only the fields given are checked; KEY: absent; ring\n"
    "           buffers, perf arrays, queues and stacks as {records: [hex or\n"
    "           fields], count: N, type: STRUCT}, in the order a reader gets\n"
    "           them), trace (the exact trace_printk lines), trace_contains,\n"
    "           calls (helper: count, or {count, min, max, args: [r1, r2, ...]}:\n"
    "           some call had these arguments; _ for any; a 32-bit value matches\n"
    "           the register's low half), ctx (after the run: {mark: 0x100})\n"
    "\n"
    "Socket tests (sock_ops, sk_msg, sk_skb programs; docs/sockets.md): attach\n"
    "(at the top or in the test: {sockops: P, sk_msg: {program: P, map: M},\n"
    "sk_skb: {verdict: P, parser: P, map: M}}) and sockets, a list of events\n"
    "(listen, connect, send, recv, close, update) each with an optional expect\n"
    "{result, ran, via}; the test's expect: received {SOCKET: \"bytes\"} and maps\n"
    "({count: N} or entries).\n"
    "\n"
    "options:\n"
    "  --junit FILE     also write JUnit XML (CI test reports)\n"
    "  --tap            TAP version 13 on stdout instead of the listing\n"
    "  --coverage FILE  record which instructions and branches ran and write an\n"
    "                   lcov tracefile (genhtml FILE -o DIR makes HTML of it)\n"
    "  --annotate       print the sources with per-line counts (\"#####\": never ran)\n"
    "  --filter TEXT    only the tests whose name contains TEXT\n"
    "  --quiet          list only failed tests\n"
    "\n"
    "Exit status: 0 every test passed, 1 a test failed, 2 a bad test file or\n"
    "usage (nothing runs then; the error names the file and line).\n";

struct opts {
    const char *junit, *coverage, *filter;
    bool tap, annotate, quiet;
    bpfemu_cov *cov;
};

/* A failure message being built for one test. */
struct run {
    bpfemu_test *t;
    struct helper_sb msg;
    bool error;                /* a problem of the test, not of the program */
    const struct ts_step *step;
    size_t n_steps, step_no;
    bool step_shown;
};

static void note(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct run *r, const char *fmt, ...)
{
    if (r->n_steps > 1 && !r->step_shown) {
        helper_sb_printf(&r->msg, "step %zu%s%s%s (line %u):\n", r->step_no + 1,
                         r->step->name ? " '" : "", r->step->name ? r->step->name : "",
                         r->step->name ? "'" : "", r->step->line);
        r->step_shown = true;
    }
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    helper_sb_printf(&r->msg, "%s%s", r->n_steps > 1 ? "  " : "", buf);
}

/* A block of lines (a diff) under a note, indented. */
static void note_block(struct run *r, const char *text)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        note(r, "  %.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
}

static int setup_error(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int setup_error(struct run *r, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    helper_sb_printf(&r->msg, "%s\n", buf);
    r->error = true;
    return -1;
}

/* --------------------------------------------------------------- setup ---- */

/* A message of the test API, with the test file's line in front unless it
 * names one already. */
static int api_error(struct run *r, unsigned line)
{
    const char *m = bpfemu_test_error(r->t);
    if (!strncmp(m, "line ", 5))
        return setup_error(r, "%s", m);
    return setup_error(r, "line %u: %s", line, m);
}

static int entry_key(struct run *r, const struct ts_entry *e, struct helper_tfields *k)
{
    char err[512];
    memset(k, 0, sizeof(*k));
    if (e->key)
        return ts_fields(e->key, k, err, sizeof err) ? setup_error(r, "%s", err) : 0;
    if (e->key_str && helper_tfields_add(k, "", e->key_str, e->line))
        return setup_error(r, "out of memory");
    return 0;
}

static int apply_maps(struct run *r, const struct ts_map *maps, size_t n)
{
    char err[512];
    for (size_t i = 0; i < n; i++) {
        const struct ts_map *m = &maps[i];
        for (size_t k = 0; k < m->n; k++) {
            const struct ts_entry *e = &m->e[k];
            struct helper_tfields kf, vf = {0};
            if (entry_key(r, e, &kf))
                return -1;
            int rc = 0;
            if (e->values) {
                for (size_t c = 0; c < e->values->n && !rc; c++) {
                    helper_tfields_free(&vf);
                    if (ts_fields(e->values->items[c], &vf, err, sizeof err))
                        rc = setup_error(r, "%s", err);
                    else if (bpfemu_test_set_cpu(r->t, (uint32_t)c) ||
                             helper_tk_map_set(r->t, m->name, &kf, &vf))
                        rc = api_error(r, e->line);
                }
                bpfemu_test_set_cpu(r->t, 0);
            } else if (ts_fields(e->value, &vf, err, sizeof err)) {
                rc = setup_error(r, "%s", err);
            } else if (helper_tk_map_set(r->t, m->name, &kf, &vf)) {
                rc = api_error(r, e->line);
            }
            helper_tfields_free(&kf);
            helper_tfields_free(&vf);
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int apply_mocks(struct run *r, const struct ts_mock *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = 0;
        switch (m[i].kind) {
        case TS_MOCK_VALUES: rc = bpfemu_test_mock(r->t, m[i].helper, m[i].vals, m[i].n); break;
        case TS_MOCK_OUT:
            rc = bpfemu_test_mock_out(r->t, m[i].helper, m[i].ret, m[i].arg, m[i].bytes, m[i].len);
            break;
        case TS_MOCK_FIB: rc = bpfemu_test_mock_fib(r->t, (int64_t)m[i].ret, m[i].fib); break;
        }
        if (rc)
            return api_error(r, m[i].line);
    }
    return 0;
}

/* -------------------------------------------------------- expectations ---- */

static void action_text(struct run *r, uint32_t v, char *buf, size_t len)
{
    const char *n = bpfemu_test_action_name(r->t, v);
    if (n)
        snprintf(buf, len, "%s (%u)", n, v);
    else
        snprintf(buf, len, "%u", v);
}

static int check_action(struct run *r, const struct ts_expect *x, uint32_t got)
{
    uint32_t want;
    if (bpfemu_test_action_parse(r->t, x->action->str, &want)) {
        char names[256] = "";
        size_t k = 0;
        for (int64_t v = -1; v < 16; v++) {
            const char *n = bpfemu_test_action_name(r->t, (uint32_t)v);
            if (n)
                k += (size_t)snprintf(names + k, k < sizeof names ? sizeof names - k : 0, "%s%s",
                                      k ? ", " : "", n);
        }
        return setup_error(r, "line %u: action '%s' is not a number%s%s%s", x->action->line,
                           x->action->str, k ? " or one of " : "", names, "");
    }
    if (want != got) {
        char a[96], b[96];
        action_text(r, want, a, sizeof a);
        action_text(r, got, b, sizeof b);
        note(r, "action: expected %s, got %s\n", a, b);
    }
    return 0;
}

static int check_packet(struct run *r, const struct ts_expect *x, const uint8_t *in, size_t in_len)
{
    const struct ts_packet *p = &x->packet;
    size_t len;
    const uint8_t *out = bpfemu_test_data_out(r->t, &len);
    if (x->packet_len >= 0 && (size_t)x->packet_len != len)
        note(r, "packet_len: expected %ld, got %zu\n", x->packet_len, len);
    if (p->kind == TS_PKT_NONE)
        return 0;
    if (p->kind == TS_PKT_FIELDS) {
        struct helper_sb diff = {0};
        int rc = helper_tk_packet_expect(r->t, &p->spec, &diff);
        if (rc == 1) {
            note(r, "packet (line %u) differs:\n", p->line);
            note_block(r, helper_sb_str(&diff));
            struct helper_sb got = {0};
            helper_pkt_describe(out, len, "  ", &got);
            note(r, "the packet (%zu bytes):\n", len);
            note_block(r, helper_sb_str(&got));
            helper_sb_free(&got);
        } else if (rc < 0) {
            setup_error(r, "%s", bpfemu_test_error(r->t));
        }
        helper_sb_free(&diff);
        return rc < 0 ? -1 : 0;
    }
    const uint8_t *want = p->kind == TS_PKT_UNCHANGED ? in : p->bytes;
    size_t wlen = p->kind == TS_PKT_UNCHANGED ? in_len : p->len;
    if (bpfemu_test_packet_expect_bytes(r->t, want, wlen) == 1) {
        note(r, "packet (line %u)%s:\n", p->line,
             p->kind == TS_PKT_UNCHANGED ? ": expected unchanged" : " differs");
        note_block(r, bpfemu_test_error(r->t));
    }
    return 0;
}

/* Records (ring buffer, perf, queue, stack) as they were consumed. */
struct records {
    uint8_t **rec;
    size_t *len;
    size_t n;
    bool oom;
};

static int record_cb(void *ctx, const void *data, size_t size)
{
    struct records *rs = ctx;
    uint8_t **g = realloc(rs->rec, (rs->n + 1) * sizeof(*g));
    size_t *gl = g ? realloc(rs->len, (rs->n + 1) * sizeof(*gl)) : NULL;
    if (g)
        rs->rec = g;
    if (gl)
        rs->len = gl;
    uint8_t *copy = gl ? malloc(size ? size : 1) : NULL;
    if (!copy) {
        rs->oom = true;
        return -1;
    }
    memcpy(copy, data, size);
    rs->rec[rs->n] = copy;
    rs->len[rs->n++] = size;
    return 0;
}

static void hex_of(struct helper_sb *sb, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        helper_sb_printf(sb, "%02x", p[i]);
}

static int check_record(struct run *r, const struct ts_map *m, size_t i, const struct ynode *it,
                        const uint8_t *got, size_t glen)
{
    char what[128], err[512];
    snprintf(what, sizeof what, "map %s record %zu", m->name, i);
    if (it->type == Y_SCALAR) { /* hex bytes */
        uint8_t *want;
        size_t wlen;
        if (helper_parse_hex(it->str, &want, &wlen))
            return setup_error(r, "line %u: a record is hex bytes or fields", it->line);
        if (wlen != glen || memcmp(want, got, glen)) {
            struct helper_sb w = {0}, g = {0};
            hex_of(&w, want, wlen);
            hex_of(&g, got, glen);
            note(r, "%s: expected %s, got %s\n", what, helper_sb_str(&w), helper_sb_str(&g));
            helper_sb_free(&w);
            helper_sb_free(&g);
        }
        free(want);
        return 0;
    }
    struct helper_tfields fs;
    struct helper_sb diff = {0};
    if (ts_fields(it, &fs, err, sizeof err))
        return setup_error(r, "%s", err);
    int rc = helper_tk_record_match_type(r->t, m->name, m->record_type, &fs, got, glen, what,
                                         &diff);
    if (rc == 1)
        note(r, "%s", helper_sb_str(&diff));
    helper_tfields_free(&fs);
    helper_sb_free(&diff);
    return rc < 0 ? api_error(r, it->line) : 0;
}

static int check_records(struct run *r, const struct ts_map *m)
{
    struct records rs = {0};
    int rc = 0;
    if (bpfemu_test_map_records(r->t, m->name, record_cb, &rs) < 0 || rs.oom)
        rc = rs.oom ? setup_error(r, "out of memory") : api_error(r, m->line);
    if (!rc && m->count >= 0 && (size_t)m->count != rs.n)
        note(r, "map %s: expected %ld records, got %zu\n", m->name, m->count, rs.n);
    size_t want = m->records ? m->records->n : 0;
    for (size_t i = 0; !rc && m->records && i < (want > rs.n ? want : rs.n); i++) {
        if (i >= rs.n) {
            note(r, "map %s record %zu: expected (line %u), got none\n", m->name, i,
                 m->records->items[i]->line);
        } else if (i >= want) {
            struct helper_sb g = {0};
            hex_of(&g, rs.rec[i], rs.len[i]);
            note(r, "map %s record %zu: not expected, got %s\n", m->name, i, helper_sb_str(&g));
            helper_sb_free(&g);
        } else {
            rc = check_record(r, m, i, m->records->items[i], rs.rec[i], rs.len[i]);
        }
    }
    for (size_t i = 0; i < rs.n; i++)
        free(rs.rec[i]);
    free(rs.rec);
    free(rs.len);
    return rc;
}

static int check_maps(struct run *r, const struct ts_expect *x)
{
    char err[512];
    for (size_t i = 0; i < x->n_maps; i++) {
        const struct ts_map *m = &x->maps[i];
        if ((m->records || m->count >= 0) && check_records(r, m))
            return -1;
        for (size_t k = 0; k < m->n; k++) {
            const struct ts_entry *e = &m->e[k];
            struct helper_tfields kf, vf = {0};
            struct helper_sb diff = {0};
            if (entry_key(r, e, &kf))
                return -1;
            int rc = 0;
            if (e->absent) {
                rc = helper_tk_map_has(r->t, m->name, &kf, &diff);
                if (rc == 1) {
                    struct helper_sb ks = {0};
                    helper_tk_key_format(r->t, m->name, &kf, &ks);
                    note(r, "%s[%s]: expected no entry, got %s\n", m->name, helper_sb_str(&ks),
                         helper_sb_str(&diff));
                    helper_sb_free(&ks);
                    rc = 0;
                }
            } else {
                size_t cpus = e->values ? e->values->n : 1;
                for (size_t c = 0; c < cpus && rc >= 0; c++) {
                    helper_tfields_free(&vf);
                    const struct ynode *v = e->values ? e->values->items[c] : e->value;
                    if (ts_fields(v, &vf, err, sizeof err)) {
                        helper_tfields_free(&kf);
                        helper_sb_free(&diff);
                        return setup_error(r, "%s", err);
                    }
                    if (e->values && bpfemu_test_set_cpu(r->t, (uint32_t)c)) {
                        rc = -1;
                        break;
                    }
                    size_t before = diff.len;
                    rc = helper_tk_map_expect(r->t, m->name, &kf, &vf, &diff);
                    if (rc == 1 && e->values) { /* name the CPU */
                        struct helper_sb tagged = {0};
                        helper_sb_putn(&tagged, diff.buf, before);
                        helper_sb_printf(&tagged, "(CPU %zu) %s", c, diff.buf + before);
                        helper_sb_free(&diff);
                        diff = tagged;
                    }
                }
                if (e->values)
                    bpfemu_test_set_cpu(r->t, 0);
                if (diff.len)
                    note(r, "%s", helper_sb_str(&diff));
            }
            helper_tfields_free(&kf);
            helper_tfields_free(&vf);
            helper_sb_free(&diff);
            if (rc < 0)
                return api_error(r, e->line);
        }
    }
    return 0;
}

static void check_trace(struct run *r, const struct ts_expect *x)
{
    const char *trace = bpfemu_test_trace(r->t);
    if (x->has_trace) {
        bool same = true;
        const char *p = trace;
        size_t i = 0;
        for (; i < x->n_trace && same; i++) {
            size_t n = strcspn(p, "\n");
            same = *p && strlen(x->trace[i].text) == n && !strncmp(x->trace[i].text, p, n);
            p += n + (p[n] == '\n');
        }
        if (same && *p)
            same = false;
        if (!same) {
            note(r, "trace (line %u): expected\n", x->trace_line);
            for (size_t k = 0; k < x->n_trace; k++)
                note(r, "  | %s\n", x->trace[k].text);
            if (!x->n_trace)
                note(r, "  (no lines)\n");
            note(r, "got\n");
            for (p = trace; *p;) {
                size_t n = strcspn(p, "\n");
                note(r, "  | %.*s\n", (int)n, p);
                p += n + (p[n] == '\n');
            }
            if (!*trace)
                note(r, "  (no lines)\n");
        }
    }
    for (size_t i = 0; i < x->n_contains; i++)
        if (!strstr(trace, x->contains[i].text))
            note(r, "trace_contains (line %u): no \"%s\" in the trace (%s)\n", x->contains[i].line,
                 x->contains[i].text, *trace ? "see it with trace: []" : "the trace is empty");
}

static int check_calls(struct run *r, const struct ts_expect *x)
{
    size_t n;
    const struct bpfemu_call *calls = bpfemu_test_call_list(r->t, &n);
    for (size_t i = 0; i < x->n_calls; i++) {
        const struct ts_call *c = &x->calls[i];
        int32_t id = vm_helper_id(c->helper);
        const char *name = vm_helper_name(id);
        size_t count = 0;
        for (size_t k = 0; k < n; k++)
            count += (int32_t)calls[k].helper_id == id;
        if (c->count >= 0 && count != (size_t)c->count)
            note(r, "calls: %s called %zu times, expected %ld\n", name, count, c->count);
        if (c->min >= 0 && count < (size_t)c->min)
            note(r, "calls: %s called %zu times, expected at least %ld\n", name, count, c->min);
        if (c->max >= 0 && count > (size_t)c->max)
            note(r, "calls: %s called %zu times, expected at most %ld\n", name, count, c->max);
        if (!c->args)
            continue;
        bool found = false;
        for (size_t k = 0; k < n && !found; k++) {
            if ((int32_t)calls[k].helper_id != id)
                continue;
            found = true;
            for (size_t a = 0; a < c->args->n && found; a++) {
                const struct ynode *an = c->args->items[a];
                uint64_t v;
                int64_t sv;
                if (ytree_is_null(an) || !strcmp(an->str, "_"))
                    continue;
                bool narrow; /* helpers with int parameters see 32 bits */
                if (helper_parse_u64(an->str, &v))
                    narrow = v <= UINT32_MAX;
                else if (helper_parse_i64(an->str, &sv))
                    v = (uint64_t)sv, narrow = sv >= INT32_MIN;
                else
                    narrow = false;
                found = calls[k].args[a] == v ||
                        (narrow && (uint32_t)calls[k].args[a] == (uint32_t)v);
            }
        }
        if (found)
            continue;
        struct helper_sb want = {0};
        for (size_t a = 0; a < c->args->n; a++)
            helper_sb_printf(&want, "%s%s", a ? ", " : "",
                             ytree_is_null(c->args->items[a]) ? "_" : c->args->items[a]->str);
        note(r, "calls (line %u): no call of %s with args [%s]%s\n", c->line, name,
             helper_sb_str(&want), count ? "; its calls:" : " (it was not called)");
        helper_sb_free(&want);
        for (size_t k = 0; k < n; k++)
            if ((int32_t)calls[k].helper_id == id)
                note(r, "  %s(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ", %#" PRIx64
                        ") = %#" PRIx64 "\n", name, calls[k].args[0], calls[k].args[1],
                     calls[k].args[2], calls[k].args[3], calls[k].args[4], calls[k].ret);
    }
    return 0;
}

static int check_ctx(struct run *r, const struct ts_expect *x)
{
    for (size_t i = 0; i < x->ctx.n; i++) {
        const struct helper_tfield *f = &x->ctx.f[i];
        uint64_t got, want;
        uint8_t ip[4];
        if (bpfemu_test_ctx_out(r->t, f->path, &got))
            return api_error(r, f->line);
        if (helper_parse_ip4(f->value, ip))
            want = (uint64_t)ip[0] | (uint64_t)ip[1] << 8 | (uint64_t)ip[2] << 16 |
                   (uint64_t)ip[3] << 24;
        else if (!helper_parse_u64(f->value, &want))
            return setup_error(r, "line %u: ctx.%s: '%s' is not a number", f->line, f->path,
                               f->value);
        if (got != want)
            note(r, "ctx.%s: expected %" PRIu64 " (%#" PRIx64 "), got %" PRIu64 " (%#" PRIx64 ")\n",
                 f->path, want, want, got, got);
    }
    return 0;
}

/* ------------------------------------------------------------ one test ---- */

/* A tracing program's step: its event laid out for the program (a bad
 * field, register or format is the test's error, naming the line). */
static int event_step(struct run *r, const struct ts_case *tc, const struct ts_step *s,
                      struct ts_event_built **evb)
{
    struct helper_prog *p = helper_tk_prog(r->t);
    const struct vm_obj_prog *info = helper_prog_info(p);
    char err[768];
    if (!*evb && !(*evb = malloc(sizeof **evb)))
        return setup_error(r, "out of memory");
    if (ts_event_build(s->event, helper_prog_type(p), info->section, tc->tp_format, *evb, err,
                       sizeof err))
        return setup_error(r, "%s", err);
    if (helper_tk_event(r->t, &(*evb)->ev))
        return api_error(r, s->line);
    return 0;
}

static enum test_status run_case(const struct ts_file *f, const struct ts_case *tc,
                                 struct opts *o, char **message)
{
    struct run r = {.n_steps = tc->n_steps};
    char err[1024];
    struct bpfemu_obj_opts oo = {.ncpus = tc->ncpus};
    const char *prog = tc->program || !tc->sock ? tc->program : ts_sock_program(tc->sock);
    r.t = bpfemu_test_open_opts(tc->object, prog, &oo, err, sizeof err);
    if (!r.t)
        setup_error(&r, "%s", err);
    else if (o->cov && bpfemu_test_coverage(r.t, o->cov))
        setup_error(&r, "%s", bpfemu_test_error(r.t));
    else if (!apply_maps(&r, f->maps, f->n_maps) && !apply_maps(&r, tc->maps, tc->n_maps) &&
             !apply_mocks(&r, f->mocks, f->n_mocks) && !apply_mocks(&r, tc->mocks, tc->n_mocks) &&
             bpfemu_test_set_cpu(r.t, tc->cpu))
        setup_error(&r, "%s", bpfemu_test_error(r.t));
    if (tc->sock && !r.error && ts_sock_test(tc->sock, r.t, &r.msg) < 0)
        r.error = true;
    const uint8_t *pkt = NULL;
    size_t pkt_len = 0;
    struct ts_event_built *evb = NULL;
    for (size_t i = 0; !r.error && !tc->sock && i < tc->n_steps; i++) {
        const struct ts_step *s = &tc->steps[i];
        const struct ts_expect *x = &s->expect;
        r.step = s;
        r.step_no = i;
        r.step_shown = false;
        if (s->packet.kind == TS_PKT_BYTES) {
            pkt = s->packet.bytes;
            pkt_len = s->packet.len;
        }
        size_t before = r.msg.len;
        if (s->event) {
            if (event_step(&r, tc, s, &evb))
                break;
        } else if (bpfemu_test_packet_bytes(r.t, pkt, pkt_len) ||
                   (s->has_ctx && helper_tk_ctx(r.t, &s->ctx)) ||
                   (s->has_socket && helper_tk_socket(r.t, &s->socket))) {
            api_error(&r, s->line);
            break;
        }
        int64_t rc = bpfemu_test_exec_n(r.t, s->repeat);
        if (rc < 0) {
            if (x->error && strstr(bpfemu_test_error(r.t), x->error))
                continue;
            if (x->error)
                note(&r, "error (line %u): expected a failure with \"%s\", got: %s\n",
                     x->error_line, x->error, bpfemu_test_error(r.t));
            else
                note(&r, "the run failed: %s\n", bpfemu_test_error(r.t));
            break;
        }
        if (x->error) {
            char a[96];
            action_text(&r, (uint32_t)rc, a, sizeof a);
            note(&r, "error (line %u): expected a failure with \"%s\", but the program returned %s\n",
                 x->error_line, x->error, a);
        }
        if (x->action && check_action(&r, x, (uint32_t)rc))
            break;
        if (check_packet(&r, x, pkt, pkt_len) || check_maps(&r, x) || check_calls(&r, x) ||
            check_ctx(&r, x))
            break;
        check_trace(&r, x);
        if (r.msg.len != before && i + 1 < tc->n_steps) {
            note(&r, "(the remaining steps did not run)\n");
            break;
        }
    }
    bpfemu_test_close(r.t);
    free(evb);
    enum test_status st = r.error ? TEST_ERROR : r.msg.len ? TEST_FAIL : TEST_PASS;
    *message = r.msg.len ? strdup(helper_sb_str(&r.msg)) : NULL;
    helper_sb_free(&r.msg);
    return st;
}

/* ---------------------------------------------------------------- main ---- */

enum { OPT_HELP = 1, OPT_JUNIT, OPT_TAP, OPT_COVERAGE, OPT_ANNOTATE, OPT_FILTER, OPT_QUIET };

int cmd_test(int argc, char **argv)
{
    static const struct cli_opt opts_tab[] = {
        {"--help", false, OPT_HELP}, {"-h", false, OPT_HELP}, {"--junit", true, OPT_JUNIT},
        {"--tap", false, OPT_TAP}, {"--coverage", true, OPT_COVERAGE},
        {"--annotate", false, OPT_ANNOTATE}, {"--filter", true, OPT_FILTER},
        {"--quiet", false, OPT_QUIET}, {"-q", false, OPT_QUIET}, {NULL, false, 0},
    };
    struct opts o = {0};
    struct cli_args a;
    const char *val;
    const char **files = calloc((size_t)argc + 1, sizeof(*files));
    size_t n_files = 0;
    int id, status = CLI_EXIT_OK;
    if (!files) {
        cli_error(NULL, "out of memory");
        return CLI_EXIT_BAD_INPUT;
    }
    cli_args_init(&a, argc, argv);
    while ((id = cli_args_next(&a, opts_tab, &val)) != CLI_OPT_END) {
        switch (id) {
        case OPT_HELP: fputs(test_help, stdout); free(files); return CLI_EXIT_OK;
        case OPT_JUNIT: o.junit = val; break;
        case OPT_TAP: o.tap = true; break;
        case OPT_COVERAGE: o.coverage = val; break;
        case OPT_ANNOTATE: o.annotate = true; break;
        case OPT_FILTER: o.filter = val; break;
        case OPT_QUIET: o.quiet = true; break;
        case CLI_OPT_POSITIONAL: files[n_files++] = val; break;
        default: free(files); return CLI_EXIT_BAD_INPUT;
        }
    }
    if (!n_files) {
        cli_error("test", "no test files (see bpfemu test --help)");
        free(files);
        return CLI_EXIT_BAD_INPUT;
    }
    /* every file is checked before anything runs */
    struct ts_file *tf = calloc(n_files, sizeof(*tf));
    struct test_result *res = NULL;
    size_t n_res = 0, total = 0;
    char err[1024];
    if (!tf) {
        cli_error(NULL, "out of memory");
        free(files);
        return CLI_EXIT_BAD_INPUT;
    }
    for (size_t i = 0; i < n_files; i++)
        if (ts_load(files[i], &tf[i], err, sizeof err)) {
            cli_error(files[i], "%s", err);
            status = CLI_EXIT_BAD_INPUT;
        }
    if (status)
        goto out;
    for (size_t i = 0; i < n_files; i++)
        for (size_t k = 0; k < tf[i].n_cases; k++)
            total += !o.filter || strstr(tf[i].cases[k].name, o.filter);
    if (!total && o.filter) {
        cli_error("--filter", "no test name contains '%s'", o.filter);
        status = CLI_EXIT_BAD_INPUT;
        goto out;
    }
    res = calloc(total + 1, sizeof(*res));
    if ((o.coverage || o.annotate) && !(o.cov = bpfemu_cov_new())) {
        free(res);
        res = NULL;
    }
    if (!res) {
        cli_error(NULL, "out of memory");
        status = CLI_EXIT_BAD_INPUT;
        goto out;
    }
    FILE *out = stdout;
    if (o.tap)
        report_tap_plan(out, total);
    for (size_t i = 0; i < n_files; i++) {
        bool header = false;
        for (size_t k = 0; k < tf[i].n_cases; k++) {
            const struct ts_case *tc = &tf[i].cases[k];
            if (o.filter && !strstr(tc->name, o.filter))
                continue;
            struct test_result *r = &res[n_res++];
            r->suite = tf[i].suite;
            r->file = tf[i].path;
            r->name = tc->name;
            r->line = tc->line;
            uint64_t t0 = cli_now_ns();
            if (tc->skip) {
                r->status = TEST_SKIP;
                r->message = strdup(tc->skip);
            } else {
                r->status = run_case(&tf[i], tc, &o, &r->message);
            }
            r->seconds = (double)(cli_now_ns() - t0) / 1e9;
            if (o.tap) {
                report_tap(out, n_res, r);
                continue;
            }
            bool show = !o.quiet || r->status == TEST_FAIL || r->status == TEST_ERROR;
            if (show && !header) {
                printf("%s\n", tf[i].path);
                header = true;
            }
            if (show)
                report_human(out, r);
        }
    }
    if (o.cov) {
        if (o.annotate)
            bpfemu_cov_print(o.cov, o.tap ? stderr : stdout);
        if (o.coverage && bpfemu_cov_write_lcov(o.cov, o.coverage, "bpfemu", err, sizeof err)) {
            cli_error(NULL, "%s", err);
            status = CLI_EXIT_BAD_INPUT;
        } else if (o.coverage && !o.tap) {
            cov_cli_summary(stdout, o.cov, o.coverage);
        }
    }
    if (o.junit) {
        int rc = report_junit(o.junit, res, n_res);
        if (rc) {
            cli_error(o.junit, "%s", strerror(-rc));
            status = CLI_EXIT_BAD_INPUT;
        }
    }
    if (!o.tap)
        report_summary(out, res, n_res);
    for (size_t i = 0; i < n_res && !status; i++)
        if (res[i].status == TEST_FAIL || res[i].status == TEST_ERROR)
            status = CLI_EXIT_RUN_FAILED;
out:
    for (size_t i = 0; res && i < n_res; i++)
        free(res[i].message);
    free(res);
    for (size_t i = 0; i < n_files; i++)
        ts_free(&tf[i]);
    free(tf);
    free(files);
    bpfemu_cov_free(o.cov);
    return status;
}
