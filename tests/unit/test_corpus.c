/* tests/unit/test_corpus.c - every corpus program (../corpus/MANIFEST) run
 * in bpfemu on its capture, packet by packet, as BPF_PROG_TEST_RUN runs it:
 * the object loaded with vm_object_load_elf, its initial maps from
 * build/pcaps/<object>.maps.json (map_json_load, as `bpfemu run --map-in`),
 * each packet of the capture (libpcap) through helper_test_run on the same
 * environment, so that map state carries over.
 *
 * Each test asserts
 *   - the verdict of every packet of the program's own capture, and the
 *     number of packets per verdict on it and on mixed.pcap against the
 *     kernel's table in corpus/EXPECTED.md;
 *   - the exact rewritten bytes of chosen packets (encapsulation, NAT,
 *     SYN-ACK, VLAN tags, metadata), and checksums of every rewritten one;
 *   - map contents after the run (counters, LRU entries, ring buffer
 *     records, queue/stack contents, map-in-map).
 * The expected bytes are what the kernel produced for the same packets
 * (make -C corpus kernel-results), checked by hand against the programs.
 *
 * xdp_ratelimit reads bpf_ktime_get_ns: it runs with the clock taken from
 * the pcap timestamps (what kernel-run -p approximates with sleeps), and
 * once more with bpfemu's default clock (1 µs per run: kernel-run without
 * -p, back to back). */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/corpus_run.h"

struct cap_run {
    struct corpus_ctx c;
    struct corpus_pcap pc;
    struct corpus_result *r;
};

typedef void (*after_fn)(struct cap_run *cr, size_t i, void *arg);

/* Runs in progress, freed by the suite's fini when an assertion ends a test. */
static struct cap_run *live[4];

static void track(struct cap_run *cr, bool on)
{
    for (size_t i = 0; i < 4; i++)
        if (on ? !live[i] : live[i] == cr) {
            live[i] = on ? cr : NULL;
            return;
        }
}

static void run_capture_cb(struct cap_run *cr, const char *object, const char *capture,
                           bool pcap_clock, after_fn after, void *arg)
{
    char err[1024], path[512];
    const struct corpus_entry *e = corpus_manifest_find(object);
    cr_assert_not_null(e, "%s is not in %s/../MANIFEST", object, corpus_dir());
    memset(cr, 0, sizeof(*cr));
    track(cr, true);
    cr_assert_eq(corpus_open(&cr->c, object, e->prog, pcap_clock, err, sizeof err), 0, "%s", err);
    snprintf(path, sizeof path, "%s/pcaps/%s", corpus_dir(), capture);
    cr_assert_eq(corpus_pcap_read(path, &cr->pc, err, sizeof err), 0, "%s", err);
    cr_assert_gt(cr->pc.n, 0, "%s: no packets", path);
    cr->r = calloc(cr->pc.n, sizeof(*cr->r));
    cr_assert_not_null(cr->r);
    for (size_t i = 0; i < cr->pc.n; i++) {
        corpus_run_pkt(&cr->c, &cr->pc.pkts[i], &cr->r[i]);
        /* -EINVAL is the kernel refusing the input; anything else is a
         * fault of the run */
        cr_assert(cr->r[i].rc == 0 || cr->r[i].rc == -EINVAL,
                  "%s %s packet %zu: run failed (%d): %s", object, capture, i, cr->r[i].rc,
                  cr->r[i].err);
        if (after)
            after(cr, i, arg);
    }
}

static void run_capture(struct cap_run *cr, const char *object, const char *capture,
                        bool pcap_clock)
{
    run_capture_cb(cr, object, capture, pcap_clock, NULL, NULL);
}

static void free_capture(struct cap_run *cr)
{
    track(cr, false);
    for (size_t i = 0; cr->r && i < cr->pc.n; i++)
        corpus_result_free(&cr->r[i]);
    free(cr->r);
    corpus_pcap_free(&cr->pc);
    corpus_close(&cr->c);
}

/* "1=19 2=11 error=2", retvals ascending: the format of EXPECTED.md */
static void count_str(const struct cap_run *cr, char *buf, size_t len)
{
    uint32_t vals[64];
    size_t cnt[64], nv = 0, nerr = 0;
    for (size_t i = 0; i < cr->pc.n; i++) {
        if (cr->r[i].rc) {
            nerr++;
            continue;
        }
        size_t k;
        for (k = 0; k < nv && vals[k] != cr->r[i].retval; k++)
            ;
        if (k == nv && nv < 64) {
            vals[nv] = cr->r[i].retval;
            cnt[nv++] = 0;
        }
        if (k < nv)
            cnt[k]++;
    }
    for (size_t a = 0; a < nv; a++)
        for (size_t b = a + 1; b < nv; b++)
            if (vals[b] < vals[a]) {
                uint32_t tv = vals[a];
                size_t tc = cnt[a];
                vals[a] = vals[b], cnt[a] = cnt[b];
                vals[b] = tv, cnt[b] = tc;
            }
    size_t o = 0;
    buf[0] = 0;
    for (size_t k = 0; k < nv; k++)
        o += (size_t)snprintf(buf + o, len - o, "%s%u=%zu", k ? " " : "", vals[k], cnt[k]);
    if (nerr)
        snprintf(buf + o, len - o, "%serror=%zu", nv ? " " : "", nerr);
}

static void check_counts(const struct cap_run *cr, const char *object, const char *capture)
{
    char got[512];
    const char *want = corpus_expected_counts(object, capture);
    cr_assert_not_null(want, "EXPECTED.md has no line for %s %s", object, capture);
    count_str(cr, got, sizeof got);
    cr_expect_str_eq(got, want, "%s %s: verdicts %s, the kernel's (EXPECTED.md) %s", object,
                     capture, got, want);
}

/* One character per packet: its retval digit, or E for a refused input. */
static void check_verdicts(const struct cap_run *cr, const char *want)
{
    char got[1024];
    size_t n = cr->pc.n < sizeof got - 1 ? cr->pc.n : sizeof got - 1;
    for (size_t i = 0; i < n; i++)
        got[i] = cr->r[i].rc ? 'E' : (cr->r[i].retval < 10 ? (char)('0' + cr->r[i].retval) : '?');
    got[n] = 0;
    cr_expect_str_eq(got, want, "%s: per-packet verdicts\n  got  %s\n  want %s", cr->c.obj->name,
                     got, want);
}

/* The capture's own counts and mixed.pcap's, from fresh maps each. */
static void check_mixed(const char *object, bool pcap_clock)
{
    static struct cap_run m;
    run_capture(&m, object, "mixed.pcap", pcap_clock);
    check_counts(&m, object, "mixed.pcap");
    free_capture(&m);
}

static void expect_out(const struct cap_run *cr, size_t i, uint32_t retval, const char *hex)
{
    cr_assert_lt(i, cr->pc.n);
    const struct corpus_result *r = &cr->r[i];
    cr_expect_eq(r->rc, 0, "packet %zu: %s", i, r->err);
    cr_expect_eq(r->retval, retval, "packet %zu: retval %u, want %u", i, r->retval, retval);
    char *got = corpus_hex(r->data, r->len);
    cr_expect_str_eq(got, hex, "packet %zu data_out\n  got  %s\n  want %s", i, got, hex);
    free(got);
}

/* data_out == data_in for every packet the program ran on */
static void expect_all_unchanged(const struct cap_run *cr)
{
    for (size_t i = 0; i < cr->pc.n; i++) {
        if (cr->r[i].rc)
            continue;
        cr_expect(cr->r[i].len == cr->pc.pkts[i].len &&
                      !memcmp(cr->r[i].data, cr->pc.pkts[i].data, cr->r[i].len),
                  "packet %zu: data_out differs from the input (%zu vs %zu bytes)", i,
                  cr->r[i].len, cr->pc.pkts[i].len);
    }
}

static void expect_map_hex(struct corpus_ctx *c, const char *map, const char *khex,
                           const char *vhex)
{
    size_t kl, vl;
    uint8_t *k = corpus_unhex(khex, &kl), *want = corpus_unhex(vhex, &vl);
    cr_assert(k && want);
    uint8_t *v = calloc(1, vl + 64);
    int rc = corpus_map_get(c, map, k, v);
    cr_expect_eq(rc, 0, "map %s key %s: lookup failed (%d)", map, khex, rc);
    if (!rc) {
        char *got = corpus_hex(v, vl);
        cr_expect_str_eq(got, vhex, "map %s key %s\n  got  %s\n  want %s", map, khex, got, vhex);
        free(got);
    }
    free(k);
    free(want);
    free(v);
}

static void expect_map_absent(struct corpus_ctx *c, const char *map, const char *khex)
{
    size_t kl;
    uint8_t *k = corpus_unhex(khex, &kl), v[4096];
    cr_expect_eq(corpus_map_get(c, map, k, v), -ENOENT, "map %s key %s should be absent", map,
                 khex);
    free(k);
}

static void expect_queue(struct corpus_ctx *c, const char *map, const char *const *want,
                         size_t nwant)
{
    uint8_t buf[64 * 64];
    struct maps_map *m = helper_env_map(c->env, map);
    cr_assert_not_null(m, "no map %s", map);
    uint32_t vs = maps_get_attr(m)->value_size;
    size_t n = corpus_map_queue(c, map, buf, sizeof buf / vs);
    cr_expect_eq(n, nwant, "map %s holds %zu values, want %zu", map, n, nwant);
    for (size_t i = 0; i < n && i < nwant; i++) {
        char *got = corpus_hex(buf + i * vs, vs);
        cr_expect_str_eq(got, want[i], "map %s value %zu (pop order): %s, want %s", map, i, got,
                         want[i]);
        free(got);
    }
}

/* IPv4 header checksum valid (frame offset of the IP header) */
static void expect_ip_csum(const struct cap_run *cr, size_t i, size_t l3)
{
    const struct corpus_result *r = &cr->r[i];
    cr_assert_geq(r->len, l3 + 20);
    size_t ihl = (size_t)(r->data[l3] & 15) * 4;
    cr_expect_eq(corpus_csum(r->data + l3, ihl, 0), 0, "packet %zu: bad IPv4 header checksum", i);
}

/* TCP/UDP checksum over the pseudo header valid */
static void expect_l4_csum(const struct cap_run *cr, size_t i, size_t l3)
{
    const struct corpus_result *r = &cr->r[i];
    const uint8_t *ip = r->data + l3;
    size_t ihl = (size_t)(ip[0] & 15) * 4, tot = (size_t)(ip[2] << 8 | ip[3]);
    cr_assert_geq(r->len, l3 + tot);
    cr_expect_eq(corpus_l4_csum_v4(ip, ip + ihl, tot - ihl), 0,
                 "packet %zu: bad %s checksum", i, ip[9] == 6 ? "TCP" : "UDP");
}

static void corpus_fini(void)
{
    for (size_t i = 0; i < 4; i++)
        if (live[i])
            free_capture(live[i]);
}

TestSuite(corpus, .timeout = 120, .fini = corpus_fini);

/* ------------------------------------------------------------ manifest -- */

static const char *const covered[] = {
    "xdp_firewall", "xdp_counter", "xdp_lb",         "tc_rewrite",      "xdp_ratelimit",
    "xdp_tailcall", "xdp_events",  "tc_vlan",        "xdp_dns_filter",  "xdp_syncookie",
    "tc_cilium_style", "xdp_global_data", "xdp_tenant", "sock_filter",
};

/* Every MANIFEST entry has its test below, and every object loads. */
Test(corpus, manifest_covered)
{
    size_t n;
    const struct corpus_entry *m = corpus_manifest(&n);
    cr_assert_not_null(m, "cannot read %s/../MANIFEST", corpus_dir());
    cr_expect_eq(n, sizeof covered / sizeof covered[0], "MANIFEST has %zu entries", n);
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t k = 0; k < sizeof covered / sizeof covered[0]; k++)
            found |= !strcmp(covered[k], m[i].object);
        cr_expect(found, "MANIFEST entry %s has no test in test_corpus.c", m[i].object);
        struct corpus_ctx c;
        char err[1024];
        cr_expect_eq(corpus_open(&c, m[i].object, m[i].prog, false, err, sizeof err), 0, "%s",
                     err);
        corpus_close(&c);
    }
}

/* -------------------------------------------------------- xdp_firewall -- */

Test(corpus, xdp_firewall)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "xdp_firewall", "xdp_firewall.pcap", false);
    check_counts(&cr, "xdp_firewall", "xdp_firewall.pcap");
    check_verdicts(&cr, "211121212211121221111111212121");
    expect_all_unchanged(&cr);
    /* LPM hits counted in the rule values (atomic add) */
    expect_map_hex(&cr.c, "blocklist_v4", "18000000cb007100", "01000000000000000700000000000000");
    expect_map_hex(&cr.c, "blocklist_v4", "20000000c6336442", "02000000000000000100000000000000");
    expect_map_hex(&cr.c, "blocklist_v4", "100000000a420000", "03000000000000000200000000000000");
    expect_map_hex(&cr.c, "blocklist_v6", "3000000020010db80bad00000000000000000000",
                   "0a000000000000000300000000000000");
    /* per-CPU {packets, bytes} per action */
    expect_map_hex(&cr.c, "xdp_stats_map", "01000000", "1300000000000000ad03000000000000");
    expect_map_hex(&cr.c, "xdp_stats_map", "02000000", "0b000000000000003e02000000000000");
    expect_map_hex(&cr.c, "xdp_stats_map", "00000000", "00000000000000000000000000000000");
    cr_expect_eq(corpus_map_count(&cr.c, "blocklist_v4"), 3);
    free_capture(&cr);
    check_mixed("xdp_firewall", false);
}

/* --------------------------------------------------------- xdp_counter -- */

Test(corpus, xdp_counter)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "xdp_counter", "xdp_counter.pcap", false);
    check_counts(&cr, "xdp_counter", "xdp_counter.pcap");
    check_verdicts(&cr, "22222222222222222222");
    expect_all_unchanged(&cr);
    /* .bss: seq-less counters total_packets, total_bytes, non_ip, parse_errors */
    expect_map_hex(&cr.c, ".bss", "00000000",
                   "1400000000000000580400000000000003000000000000000200000000000000");
    /* legacy bpf_map_def PERCPU_ARRAY */
    expect_map_hex(&cr.c, "rxcnt", "01000000", "0200000000000000");
    expect_map_hex(&cr.c, "rxcnt", "06000000", "0600000000000000");
    expect_map_hex(&cr.c, "rxcnt", "11000000", "0500000000000000");
    expect_map_hex(&cr.c, "rxcnt", "2f000000", "0100000000000000");
    expect_map_hex(&cr.c, "rxcnt", "3a000000", "0100000000000000");
    expect_map_hex(&cr.c, "rxcnt", "00000000", "0000000000000000");
    /* BTF HASH filled with BPF_NOEXIST inserts */
    cr_expect_eq(corpus_map_count(&cr.c, "proto_stats"), 5);
    expect_map_hex(&cr.c, "proto_stats", "01000000", "02000000000000006400000000000000");
    expect_map_hex(&cr.c, "proto_stats", "06000000", "0600000000000000c801000000000000");
    expect_map_hex(&cr.c, "proto_stats", "11000000", "05000000000000003101000000000000");
    expect_map_hex(&cr.c, "proto_stats", "2f000000", "01000000000000002600000000000000");
    expect_map_hex(&cr.c, "proto_stats", "3a000000", "01000000000000004e00000000000000");
    free_capture(&cr);
    check_mixed("xdp_counter", false);
}

/* -------------------------------------------------------------- xdp_lb -- */

Test(corpus, xdp_lb)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "xdp_lb", "xdp_lb.pcap", false);
    check_counts(&cr, "xdp_lb", "xdp_lb.pcap");
    check_verdicts(&cr, "3333333333333333333313113122211222112");
    /* first SYN to VIP 10.100.0.1:80: a 20-byte outer header (IPIP, TTL 64,
     * source 10.254.14.111 from the flow hash, destination real 4 =
     * 10.0.1.4, checksum 0x563a), Ethernet towards the gateway MAC */
    expect_out(&cr, 0, 3,
               "02005e000101020000000002080045000050000000004004563a0afe0e6f0a000104"
               "4500003c000000004006461ac633640a0a6400019c4000500000000000000000a002faf0"
               "999a0000020405b40402080a0001e2400000000001030307");
    /* the UDP VIP hashes without the source port: same outer header */
    expect_out(&cr, 16, 3,
               "02005e00010102000000000208004500003c000000004004a3730afec14a0a000103"
               "45000028000000004011345acb0071050a64000280e8003500142508123401000001000000000000");
    for (size_t i = 0; i < cr.pc.n; i++) {
        const struct corpus_result *r = &cr.r[i];
        if (r->rc || r->retval != 3)
            continue;
        /* every encapsulated frame: 20 bytes longer, valid outer checksum,
         * outer source in 10.254/16, the original IP packet inside */
        cr_expect_eq(r->len, cr.pc.pkts[i].len + 20, "packet %zu: length %zu", i, r->len);
        expect_ip_csum(&cr, i, 14);
        cr_expect(r->data[14 + 9] == 4 && r->data[26] == 10 && r->data[27] == 254,
                  "packet %zu: outer header is not IPIP from 10.254/16", i);
        cr_expect(r->len >= 34 && !memcmp(r->data + 34, cr.pc.pkts[i].data + 14, r->len - 34),
                  "packet %zu: inner packet altered", i);
    }
    /* every new flow remembered in the LRU; slot 0 of ring 2 "no backend" */
    cr_expect_eq(corpus_map_count(&cr.c, "conn_table"), 11);
    expect_map_hex(&cr.c, "conn_table", "c633640a0a6400019c40005006000000", "0400000000000000");
    expect_map_hex(&cr.c, "conn_table", "cb0071050a6400020000003511000000", "0300000000000000");
    expect_map_hex(&cr.c, "conn_table", "c00002650a640003c3511f9106000000", "0200000000000000");
    expect_map_absent(&cr.c, "conn_table", "c00002660a640003c3521f9206000000");
    /* per-VIP {packets, bytes}, LRU hit/miss, no real, fragments */
    expect_map_hex(&cr.c, "stats", "00000000", "10000000000000009004000000000000");
    expect_map_hex(&cr.c, "stats", "01000000", "0400000000000000d800000000000000");
    expect_map_hex(&cr.c, "stats", "02000000", "02000000000000006c00000000000000");
    expect_map_hex(&cr.c, "stats", "40000000", "0b000000000000000000000000000000");
    expect_map_hex(&cr.c, "stats", "41000000", "0f000000000000000000000000000000");
    expect_map_hex(&cr.c, "stats", "42000000", "0400000000000000d800000000000000");
    expect_map_hex(&cr.c, "stats", "43000000", "02000000000000007c00000000000000");
    expect_map_hex(&cr.c, ".rodata", "00000000", "100000000afe000002005e00010140000b1bed5e");
    free_capture(&cr);
    check_mixed("xdp_lb", false);
}

/* ---------------------------------------------------------- tc_rewrite -- */

Test(corpus, tc_rewrite)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "tc_rewrite", "tc_rewrite.pcap", false);
    check_counts(&cr, "tc_rewrite", "tc_rewrite.pcap");
    check_verdicts(&cr, "000000000000022EE");
    /* DNS to 10.96.0.10:53 -> 10.0.2.53:5353: address, port, IP checksum
     * 0x61cb, UDP checksum 0x3c33; mark 0x100, priority = DSCP 46 */
    expect_out(&cr, 0, 0,
               "020000000002020000000001080045b8003d00000000401161cb0af401050a000235a02814e9"
               "00293c33abcd0100000100000000000003777777076578616d706c6503636f6d0000010001");
    cr_expect_eq(cr.r[0].skb.mark, 0x100u);
    cr_expect_eq(cr.r[0].skb.priority, 46u);
    /* a zero UDP checksum stays zero (BPF_F_MARK_MANGLED_0) */
    expect_out(&cr, 1, 0,
               "02000000000202000000000108004500002d00000000401162930af401050a000235a02914e9"
               "00190000abce010000010000000000000000010001");
    /* TCP 10.96.0.1:443 -> 10.0.2.10:8443 */
    expect_out(&cr, 2, 0,
               "02000000000202000000000108004500003c00000000400662b90af401060a00020acb2020fb"
               "1234567800000000a002faf0fe010000020405b40402080a0001e2400000000001030307");
    cr_expect_eq(cr.r[2].skb.mark, 0x200u);
    cr_expect_eq(cr.r[3].skb.priority, 10u);
    cr_expect_eq(cr.r[4].skb.mark, 0x300u);
    cr_expect_eq(cr.r[9].skb.mark, 0x200u); /* IP options: the ports are past them */
    const size_t nat[] = {0, 2, 3, 4, 9};
    for (size_t k = 0; k < sizeof nat / sizeof nat[0]; k++) {
        expect_ip_csum(&cr, nat[k], 14);
        expect_l4_csum(&cr, nat[k], 14);
    }
    for (size_t i = 5; i <= 14; i++)
        if (i != 9)
            cr_expect_eq(cr.r[i].skb.mark, 0u, "packet %zu: mark %#x", i, cr.r[i].skb.mark);
    /* seen, NAT TCP, NAT UDP, no entry, malformed, helper errors */
    expect_map_hex(&cr.c, "nat_stats", "00000000", "0f00000000000000");
    expect_map_hex(&cr.c, "nat_stats", "01000000", "0400000000000000");
    expect_map_hex(&cr.c, "nat_stats", "02000000", "0200000000000000");
    expect_map_hex(&cr.c, "nat_stats", "03000000", "0200000000000000");
    expect_map_hex(&cr.c, "nat_stats", "04000000", "0200000000000000");
    expect_map_hex(&cr.c, "nat_stats", "05000000", "0000000000000000");
    free_capture(&cr);
    check_mixed("tc_rewrite", false);
}

/* ------------------------------------------------------- xdp_ratelimit -- */

Test(corpus, xdp_ratelimit)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "xdp_ratelimit", "xdp_ratelimit.pcap", true);
    check_counts(&cr, "xdp_ratelimit", "xdp_ratelimit.pcap");
    check_verdicts(&cr, "2222211122222112122222222212");
    expect_all_unchanged(&cr);
    /* buckets {last_ns, credit_ns, passed, dropped}; the clock is 1 s +
     * the packet's offset in the capture. A: last burst at 1.5 s emptied
     * the bucket; B: refilled to the depth between packets, minus one
     * cost; the IPv6 /64: full again at 1.6 s, minus one. */
    expect_map_hex(&cr.c, "buckets", "04000000c633640a000000000000000000000000",
                   "00f9029500000000" "0000000000000000" "0a00000000000000" "0400000000000000");
    expect_map_hex(&cr.c, "buckets", "04000000c6336414000000000000000000000000",
                   "0094357700000000" "00ca9a3b00000000" "0400000000000000" "0000000000000000");
    expect_map_hex(&cr.c, "buckets", "0600000020010db8000100000000000000000000",
                   "00daf89a00000000" "00ca9a3b00000000" "0600000000000000" "0200000000000000");
    cr_expect_eq(corpus_map_count(&cr.c, "buckets"), 3);
    /* passed, dropped, new buckets, non-IP */
    expect_map_hex(&cr.c, "rl_stats", "00000000", "1400000000000000");
    expect_map_hex(&cr.c, "rl_stats", "01000000", "0600000000000000");
    expect_map_hex(&cr.c, "rl_stats", "02000000", "0300000000000000");
    expect_map_hex(&cr.c, "rl_stats", "03000000", "0100000000000000");
    expect_map_hex(&cr.c, ".rodata", "00000000", "04000000000000000500000000000000");
    free_capture(&cr);
    check_mixed("xdp_ratelimit", true);
}

/* back to back (1 µs apart): nothing refills, as the kernel without -p */
Test(corpus, xdp_ratelimit_back_to_back)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "xdp_ratelimit", "xdp_ratelimit.pcap", false);
    check_verdicts(&cr, "2222211122222112122221111111");
    char got[256];
    count_str(&cr, got, sizeof got);
    cr_expect_str_eq(got, "1=13 2=15"); /* EXPECTED.md: "no -p" */
    free_capture(&cr);
}

/* -------------------------------------------------------- xdp_tailcall -- */

Test(corpus, xdp_tailcall)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "xdp_tailcall", "xdp_tailcall.pcap", false);
    check_counts(&cr, "xdp_tailcall", "xdp_tailcall.pcap");
    check_verdicts(&cr, "2112112332233222111");
    /* echo request -> reply through two tail calls: MACs and addresses
     * swapped, type 0, TTL 64, both checksums adjusted; metadata popped */
    expect_out(&cr, 7, 3,
               "02000000000102000000000208004500003c0000000040018e7ac000020ac633640900004b18"
               "12340001303132333435363738396162636465666768696a6b6c6d6e6f70717273747576");
    /* behind a VLAN tag, and with IP options */
    expect_out(&cr, 11, 3,
               "0200000000010200000000028100001e0800450000250000000040018e91c000020ac6336409"
               "00002a3400090009766c616e2d70696e67");
    expect_out(&cr, 12, 3,
               "020000000001020000000002080047000024000000004001888fc000020ac633640901010101"
               "010101000000fffd00010001");
    for (size_t i = 0; i < cr.pc.n; i++)
        if (!cr.r[i].rc && cr.r[i].retval == 3) {
            size_t l3 = cr.r[i].data[12] == 0x81 ? 18 : 14;
            expect_ip_csum(&cr, i, l3);
            size_t ihl = (size_t)(cr.r[i].data[l3] & 15) * 4;
            size_t tot = (size_t)(cr.r[i].data[l3 + 2] << 8 | cr.r[i].data[l3 + 3]);
            cr_expect_eq(corpus_csum(cr.r[i].data + l3 + ihl, tot - ihl, 0), 0,
                         "packet %zu: bad ICMP checksum", i);
        }
    /* a truncated ICMP packet dropped by xdp_icmp before it removes the
     * dispatcher's metadata: data_out starts at data_meta, with the 8
     * bytes {l3_off 14, l4_off 34, proto 1, version 4, vid 0} */
    expect_out(&cr, 18, 1,
               "0e00220001040000"
               "02000000000202000000000108004500001c0000000040018e9ac6336409c000020a0800f7ff");
    /* the empty IPv6 slot: metadata removed again, frame unchanged */
    expect_out(&cr, 13, 2,
               "02000000000202000000000186dd600000000014064020010db800000000000000000000000120"
               "010db80000000000000000000000020001001700000000000000005002faf059650000");
    /* dispatched, miss, TCP drops, UDP drops, ICMP, echo TX, meta errors */
    expect_map_hex(&cr.c, "tc_stats", "00000000", "1300000000000000");
    expect_map_hex(&cr.c, "tc_stats", "01000000", "0100000000000000");
    expect_map_hex(&cr.c, "tc_stats", "02000000", "0200000000000000");
    expect_map_hex(&cr.c, "tc_stats", "03000000", "0200000000000000");
    expect_map_hex(&cr.c, "tc_stats", "04000000", "0700000000000000");
    expect_map_hex(&cr.c, "tc_stats", "05000000", "0400000000000000");
    expect_map_hex(&cr.c, "tc_stats", "06000000", "0000000000000000");
    free_capture(&cr);
    check_mixed("xdp_tailcall", false);
}

/* ---------------------------------------------------------- xdp_events -- */

struct ev_seen {
    char *recs[32];
    size_t pkt[32];
    size_t n;
    char trace[1024];
};

static void ev_after(struct cap_run *cr, size_t i, void *arg)
{
    struct ev_seen *s = arg;
    uint8_t **recs;
    size_t *lens;
    size_t n = corpus_ringbuf_records(&cr->c, "events", &recs, &lens);
    for (size_t k = 0; k < n; k++) {
        if (s->n < 32) {
            s->pkt[s->n] = i;
            s->recs[s->n++] = corpus_hex(recs[k], lens[k]);
        }
        free(recs[k]);
    }
    free(recs);
    free(lens);
    if (cr->r[i].trace_len)
        snprintf(s->trace + strlen(s->trace), sizeof s->trace - strlen(s->trace), "%zu: %.*s", i,
                 (int)cr->r[i].trace_len, cr->r[i].trace);
}

Test(corpus, xdp_events)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    struct ev_seen s = {0};
    run_capture_cb(&cr, "xdp_events", "xdp_events.pcap", false, ev_after, &s);
    check_counts(&cr, "xdp_events", "xdp_events.pcap");
    check_verdicts(&cr, "222222222222222222");
    expect_all_unchanged(&cr);
    /* records {kind, ifindex 1 (lo), saddr, daddr, sport, dport, seq,
     * window, ttl, tcp header length, packet length}, one per SYN, in order */
    static const struct {
        size_t pkt;
        const char *hex;
    } want[] = {
        {0, "0100000001000000c6336407c000020a9c4001bbefbeaddef0fa3d284a000000"},
        {3, "0100000001000000c6336408c000020a9c410050070000001072401436000000"},
        {6, "020000000100000020010db800000000000000000000000120010db8000000000000000000000002"
            "c350001604030201f0fa32285e000000"},
        {8, "01000000010000000a0101010a01010203e80cea63000000f0fa40143a000000"},
        {13, "0100000001000000cb007101c000020aea6001bbe8030000f0fa401436000000"},
        {14, "0100000001000000cb007102c000020aea6101bbe9030000f0fa401436000000"},
        {15, "0100000001000000cb007103c000020aea6201bbea030000f0fa401436000000"},
        {16, "0100000001000000cb007104c000020aea6301bbeb030000f0fa401436000000"},
        {17, "0100000001000000cb007105c000020aea6401bbec030000f0fa401436000000"},
    };
    cr_expect_eq(s.n, 9u, "%zu ring buffer records, want 9", s.n);
    for (size_t k = 0; k < s.n && k < 9; k++) {
        cr_expect_eq(s.pkt[k], want[k].pkt, "record %zu came with packet %zu, want %zu", k,
                     s.pkt[k], want[k].pkt);
        cr_expect_str_eq(s.recs[k], want[k].hex, "record %zu\n  got  %s\n  want %s", k, s.recs[k],
                         want[k].hex);
    }
    for (size_t k = 0; k < s.n; k++)
        free(s.recs[k]);
    /* the ECN SYN's bpf_trace_printk, format from .rodata.str1.1 */
    cr_expect_str_eq(s.trace, "3: xdp_events: ECN SYN from c6336408 port 40001\n");
    /* SYN v4, SYN v6, ring full, ignored, ECN */
    expect_map_hex(&cr.c, "ev_stats", "00000000", "0900000000000000");
    expect_map_hex(&cr.c, "ev_stats", "01000000", "0200000000000000");
    expect_map_hex(&cr.c, "ev_stats", "02000000", "0000000000000000");
    expect_map_hex(&cr.c, "ev_stats", "03000000", "0200000000000000");
    expect_map_hex(&cr.c, "ev_stats", "04000000", "0100000000000000");
    free_capture(&cr);
    check_mixed("xdp_events", false);
}

/* ------------------------------------------------------------- tc_vlan -- */

struct tag_seen {
    char *last_tag[64];
};

static void vlan_after(struct cap_run *cr, size_t i, void *arg)
{
    struct tag_seen *s = arg;
    uint8_t v[16], zero[4] = {0};
    if (i < 64 && corpus_map_get(&cr->c, "last_tag", zero, v) == 0)
        s->last_tag[i] = corpus_hex(v, sizeof v);
}

Test(corpus, tc_vlan)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    struct tag_seen s = {0};
    run_capture_cb(&cr, "tc_vlan", "tc_vlan.pcap", false, vlan_after, &s);
    check_counts(&cr, "tc_vlan", "tc_vlan.pcap");
    check_verdicts(&cr, "00002200000002E");
    /* VID 100 (802.1Q) popped */
    expect_out(&cr, 0, 0,
               "020000000002020000000001080045000022000000004011e574c0a80a05c0a80a0100010002"
               "000e323c616363657373");
    /* two tags: the outer popped, the inner (200) moved out of band */
    expect_out(&cr, 6, 0,
               "02000000000202000000000108004500001c000000004011e57ac0a80a05c0a80a0100010002"
               "00086a84");
    /* untagged from 192.168.20.0/24: 200 pushed out of band, frame as it was */
    expect_out(&cr, 7, 0,
               "020000000002020000000001080045000028000000004006d179c0a81405c0a81401138801bb"
               "00000000000000005002faf0f6570000");
    /* EF: the 802.1ad push moves the 802.1Q 200 tag into the frame */
    expect_out(&cr, 8, 0,
               "020000000002020000000001810000c8080045b8002c000000004011d0b1c0a81406c0a81401"
               "138c138c0018ba747274702d766f6963652d73616d706c65");
    /* last_tag {vlan_present, vlan_proto, vlan_tci, len} after each packet */
    static const char *const tags[] = {
        "00000000000000000000000030000000", "00000000000000000000000036000000",
        "0000000000000000000000002e000000", "00000000000000000000000042000000",
        "0000000000000000000000002e000000", "0000000000000000000000002e000000",
        "0100000000810000c80000002a000000", "0100000000810000c800000036000000",
        "01000000a8880000b80b00003e000000", "0100000000810000c80000002a000000",
        "00000000000000000000000036000000", "0000000000000000000000004a000000",
        "0000000000000000000000002a000000", "0000000000000000000000002a000000",
        "0000000000000000000000002a000000",
    };
    for (size_t i = 0; i < sizeof tags / sizeof tags[0] && i < cr.pc.n; i++) {
        cr_expect_str_eq(s.last_tag[i] ? s.last_tag[i] : "(none)", tags[i],
                         "last_tag after packet %zu\n  got  %s\n  want %s", i,
                         s.last_tag[i] ? s.last_tag[i] : "(none)", tags[i]);
        free(s.last_tag[i]);
    }
    /* popped, pushed, qinq, allowed, denied, untagged, errors */
    expect_map_hex(&cr.c, "vlan_stats", "00000000", "0300000000000000");
    expect_map_hex(&cr.c, "vlan_stats", "01000000", "0300000000000000");
    expect_map_hex(&cr.c, "vlan_stats", "02000000", "0100000000000000");
    expect_map_hex(&cr.c, "vlan_stats", "03000000", "0200000000000000");
    expect_map_hex(&cr.c, "vlan_stats", "04000000", "0200000000000000");
    expect_map_hex(&cr.c, "vlan_stats", "05000000", "0600000000000000");
    expect_map_hex(&cr.c, "vlan_stats", "06000000", "0100000000000000");
    expect_map_hex(&cr.c, ".data", "00000000", "6400c800c0a8140018000000b80b0100");
    free_capture(&cr);
    check_mixed("tc_vlan", false);
}

/* ------------------------------------------------------ xdp_dns_filter -- */

Test(corpus, xdp_dns_filter)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "xdp_dns_filter", "xdp_dns_filter.pcap", false);
    check_counts(&cr, "xdp_dns_filter", "xdp_dns_filter.pcap");
    check_verdicts(&cr, "211112211212222212222222");
    expect_all_unchanged(&cr);
    /* rule values {action, rule id, hits} */
    expect_map_hex(&cr.c, "domain_rules",
                   "6164732e6578616d706c652e636f6d0000000000000000000000000000000000000000000000"
                   "0000000000000000000000000000000000000000000000000000",
                   "03000000000000000100000000000000");
    expect_map_hex(&cr.c, "domain_rules",
                   "676f6f642e747261636b65722e6e657400000000000000000000000000000000000000000000"
                   "0000000000000000000000000000000000000000000000000000",
                   "02000000000000000300000001000000");
    expect_map_hex(&cr.c, "domain_rules",
                   "6d616c776172652e7465737400000000000000000000000000000000000000000000000000000"
                   "000000000000000000000000000000000000000000000000000",
                   "02000000000000000400000000000000");
    expect_map_hex(&cr.c, "domain_rules",
                   "747261636b65722e6e6574000000000000000000000000000000000000000000000000000000"
                   "0000000000000000000000000000000000000000000000000000",
                   "03000000000000000200000000000000");
    expect_map_hex(&cr.c, "dns_stats", "00000000", "1200000000000000");
    expect_map_hex(&cr.c, "dns_stats", "01000000", "0800000000000000");
    expect_map_hex(&cr.c, "dns_stats", "02000000", "0200000000000000");
    expect_map_hex(&cr.c, "dns_stats", "03000000", "0300000000000000");
    expect_map_hex(&cr.c, "dns_stats", "04000000", "0600000000000000");
    free_capture(&cr);
    check_mixed("xdp_dns_filter", false);
}

/* ------------------------------------------------------- xdp_syncookie -- */

Test(corpus, xdp_syncookie)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "xdp_syncookie", "xdp_syncookie.pcap", false);
    check_counts(&cr, "xdp_syncookie", "xdp_syncookie.pcap");
    check_verdicts(&cr, "333321112211222222");
    /* SYN -> 78-byte SYN-ACK: addresses and ports swapped, the cookie in
     * seq, ack = isn + 1, options rebuilt (MSS, SACK-permitted, wscale 7,
     * timestamps), DF, both checksums valid; the frame shrunk with
     * bpf_xdp_adjust_tail */
    expect_out(&cr, 0, 3,
               "0200000000010200000000020800450000400000400040064e2dc0000250c633640700509c40"
               "fe34ca2f000f4241b012faf0c30f0000020405b401010402010303070101080a000001d70001e240");
    expect_out(&cr, 1, 3,
               "0200000000010200000000020800450000400000400040064e2cc0000250c633640801bb9c41"
               "cb928349fffffff1b012faf06a500000020405140101010101010101010101010101010101010101");
    for (size_t i = 0; i < 4; i++) {
        cr_expect_eq(cr.r[i].len, 78u, "packet %zu: %zu bytes", i, cr.r[i].len);
        expect_ip_csum(&cr, i, 14);
        expect_l4_csum(&cr, i, 14);
    }
    /* the ACK with the valid cookie opened the flow {saddr, daddr, ports}: MSS 1460 */
    cr_expect_eq(corpus_map_count(&cr.c, "established"), 1);
    expect_map_hex(&cr.c, "established", "c6336407c00002509c400050", "b4050000");
    expect_map_hex(&cr.c, "sc_stats", "00000000", "0700000000000000");
    expect_map_hex(&cr.c, "sc_stats", "01000000", "0400000000000000");
    expect_map_hex(&cr.c, "sc_stats", "02000000", "0300000000000000");
    expect_map_hex(&cr.c, "sc_stats", "03000000", "0100000000000000");
    expect_map_hex(&cr.c, "sc_stats", "04000000", "0100000000000000");
    expect_map_hex(&cr.c, "sc_stats", "05000000", "0200000000000000");
    expect_map_hex(&cr.c, "sc_stats", "06000000", "0100000000000000");
    free_capture(&cr);
    check_mixed("xdp_syncookie", false);
}

/* ----------------------------------------------------- tc_cilium_style -- */

Test(corpus, tc_cilium_style)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "tc_cilium_style", "tc_cilium_style.pcap", false);
    check_counts(&cr, "tc_cilium_style", "tc_cilium_style.pcap");
    check_verdicts(&cr, "002020202020002222");
    expect_all_unchanged(&cr);
    /* the tail calls' state went through cb[0..1]; a matched rule marks */
    static const unsigned marks[] = {0x20f00, 0x20f00, 0, 0x20f00, 0, 0x20f00, 0, 0x20f00, 0,
                                     0x20f00, 0,       0,       0x20f00, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < cr.pc.n && i < sizeof marks / sizeof marks[0]; i++) {
        cr_expect(cr.r[i].has_skb, "packet %zu: no __sk_buff out", i);
        cr_expect_eq(cr.r[i].skb.mark, marks[i], "packet %zu: mark %#x, want %#x", i,
                     cr.r[i].skb.mark, marks[i]);
        cr_expect(cr.r[i].skb.cb[0] == 2 && cr.r[i].skb.cb[1] == 0xe,
                  "packet %zu: cb %x,%x, want 2,e", i, cr.r[i].skb.cb[0], cr.r[i].skb.cb[1]);
    }
    /* metrics {packets, bytes} by reason/direction; policy hits and bytes */
    expect_map_hex(&cr.c, "cilium_metrics", "00010000", "0800000000000000d701000000000000");
    expect_map_hex(&cr.c, "cilium_metrics", "85010000", "05000000000000000901000000000000");
    expect_map_hex(&cr.c, "cilium_metrics", "86010000", "02000000000000005d00000000000000");
    expect_map_hex(&cr.c, "cilium_metrics", "8b010000", "02000000000000005200000000000000");
    expect_map_hex(&cr.c, "cilium_policy", "0000000000160600",
                   "000000000000000001000000000000003600000000000000");
    expect_map_hex(&cr.c, "cilium_policy", "0000000001bb0600",
                   "010000000000000002000000000000008300000000000000");
    expect_map_hex(&cr.c, "cilium_policy", "020000001f900600",
                   "010000000000000001000000000000003600000000000000");
    free_capture(&cr);
    check_mixed("tc_cilium_style", false);
}

/* ----------------------------------------------------- xdp_global_data -- */

Test(corpus, xdp_global_data)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "xdp_global_data", "xdp_global_data.pcap", false);
    check_counts(&cr, "xdp_global_data", "xdp_global_data.pcap");
    check_verdicts(&cr, "22222222222222222");
    /* ssh: TOS 0x00 -> 0x88 (AF41), checksum adjusted */
    expect_out(&cr, 0, 2,
               "02000000000202000000000108004588002b00000000400666390a0100050a020005c3500016"
               "00000000000000005018faf001f20000737368");
    /* rsync keeps its ECN bits: 0x01 -> 0x29 (AF11) */
    expect_out(&cr, 3, 2,
               "02000000000202000000000108004528003200000000400666900a0100050a020007c3520369"
               "00000000000000005010faf0b23d00007273796e632d64617461");
    size_t changed = 0;
    for (size_t i = 0; i < cr.pc.n; i++) {
        const struct corpus_result *r = &cr.r[i];
        if (r->len != cr.pc.pkts[i].len || memcmp(r->data, cr.pc.pkts[i].data, r->len)) {
            changed++;
            size_t l3 = r->data[12] == 0x81 ? 18 : 14;
            expect_ip_csum(&cr, i, l3);
            /* only the TOS byte and the checksum change */
            for (size_t b = 0; b < r->len; b++)
                if (b != l3 + 1 && b != l3 + 10 && b != l3 + 11)
                    cr_expect_eq(r->data[b], cr.pc.pkts[i].data[b], "packet %zu byte %zu", i, b);
        }
    }
    cr_expect_eq(changed, 9u);
    expect_map_hex(&cr.c, ".data.custom", "00000000", "0900000000000000");
    expect_map_hex(&cr.c, ".bss", "00000000",
                   "110000000000000056c3000000000000030000000000000002000000000000000500000000000000"
                   "03000000000000008a00000000000000760000000000000010010000000000008d00000000000000");
    expect_map_hex(&cr.c, ".rodata", "00000000", "0100");
    expect_map_hex(&cr.c, ".rodata.tables", "00000000", "000a222e");
    free_capture(&cr);
    check_mixed("xdp_global_data", false);
}

/* ---------------------------------------------------------- xdp_tenant -- */

Test(corpus, xdp_tenant)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "xdp_tenant", "xdp_tenant.pcap", false);
    check_counts(&cr, "xdp_tenant", "xdp_tenant.pcap");
    check_verdicts(&cr, "222222111222221111111111111111112222");
    expect_all_unchanged(&cr);
    /* the QUEUE keeps the last 16 drops {saddr, dport, tenant, reason}
     * (BPF_EXIST evicts the oldest) */
    static const char *const drops[] = {
        "0a00000919000000", "0a00000919000000", "0a00000919000000", "0a00000919000000",
        "0a00000919000000", "0a00000919000000", "0a00000919000000", "0a00000919000000",
        "0a00000919000000", "0a0a000935000100", "0a0a000935000100", "0a0a000935000100",
        "0a0a000935000100", "0a0a000935000100", "0a0a000935000100", "0a14000550000201",
    };
    expect_queue(&cr.c, "drop_log", drops, 16);
    /* the STACK: distinct consecutive flows, newest first */
    static const char *const allows[] = {
        "0a0000050a000001d107bb0100000000", "0a0a00060a0a0001e903500001000000",
        "0a0000050a000001d007500000000000", "0a0a00050a0a0001e803160001000000",
    };
    expect_queue(&cr.c, "recent_allows", allows, 4);
    /* dumping did not change them */
    expect_queue(&cr.c, "recent_allows", allows, 4);
    expect_map_hex(&cr.c, "tenant_usage", "00000000", "3204000000000000");
    expect_map_hex(&cr.c, "tenant_usage", "01000000", "3e03000000000000");
    expect_map_hex(&cr.c, "tenant_usage", "02000000", "0000000000000000");
    /* map-in-map: the object's initialiser put the two inner maps in slots 0, 1 */
    struct maps_map *outer = helper_env_map(cr.c.env, "tenant_policies");
    cr_assert_not_null(outer);
    uint32_t k0 = 0, k1 = 1, k2 = 2;
    cr_expect_eq(maps_elem_lookup(outer, &k0, 0), helper_env_map(cr.c.env, "tenant0_policy"));
    cr_expect_eq(maps_elem_lookup(outer, &k1, 0), helper_env_map(cr.c.env, "tenant1_policy"));
    cr_expect_null(maps_elem_lookup(outer, &k2, 0));
    free_capture(&cr);
    check_mixed("xdp_tenant", false);
}

/* --------------------------------------------------------- sock_filter -- */

/* The DNS server's socket filter on xdp_dns_filter.pcap, with the test
 * run's socket (unbound: any port; uid 0): the return value is the bytes
 * kept, each query's whole L3 length. */
Test(corpus, sock_filter)
{
    static struct cap_run cr; /* static: corpus_fini may free it */
    run_capture(&cr, "sock_filter", "xdp_dns_filter.pcap", false);
    check_counts(&cr, "sock_filter", "xdp_dns_filter.pcap");
    size_t kept = 0, dropped = 0;
    for (size_t i = 0; i < cr.pc.n; i++) {
        cr_expect_eq(cr.r[i].rc, 0, "packet %zu refused", i);
        if (!cr.r[i].retval) {
            dropped++;
            continue;
        }
        kept++;
        /* kept whole: the frame less its Ethernet header */
        cr_expect_eq(cr.r[i].retval, cr.pc.pkts[i].len - 14, "packet %zu: kept %u of %zu bytes", i,
                     cr.r[i].retval, cr.pc.pkts[i].len - 14);
    }
    cr_expect_eq(kept, 18);
    cr_expect_eq(dropped, 6);
    /* data_out: the packet from L3 on unchanged, 14 zero bytes before it
     * (the kernel's output for types that start at the network header) */
    static const uint8_t zero_mac[14];
    for (size_t i = 0; i < cr.pc.n; i++)
        cr_expect(cr.r[i].len == cr.pc.pkts[i].len && !memcmp(cr.r[i].data, zero_mac, 14) &&
                      !memcmp(cr.r[i].data + 14, cr.pc.pkts[i].data + 14, cr.r[i].len - 14),
                  "packet %zu: data_out differs from the input", i);
    /* queries_by_uid {0: 18}; sf_stats {packets, bytes, cookie, uid, family}:
     * accepted 18 (1193 bytes), not UDP 3, not a query 2, short 1 */
    expect_map_hex(&cr.c, "queries_by_uid", "00000000", "1200000000000000");
    expect_map_hex(&cr.c, "sf_stats", "00000000",
                   "1200000000000000a90400000000000000100000000000000000000002000000");
    expect_map_hex(&cr.c, "sf_stats", "02000000",
                   "0300000000000000a60000000000000000100000000000000000000000000000");
    expect_map_hex(&cr.c, "sf_stats", "04000000",
                   "02000000000000007a0000000000000000100000000000000000000002000000");
    expect_map_hex(&cr.c, "sf_stats", "05000000",
                   "0100000000000000220000000000000000100000000000000000000002000000");
    free_capture(&cr);
    check_mixed("sock_filter", false);
}
