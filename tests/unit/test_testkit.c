/* tests/unit/test_testkit.c - the C test API (include/bpfemu_test.h) and
 * what it stands on: packets from fields (checked against an independent
 * checksum and a published header), typed map keys and values, helper
 * mocks, ctx in and out, records, coverage through the API.
 * Needs corpus/build (make corpus) and tests/yaml/build (the fixtures). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfemu_test.h"
#include "helpers/helpers.h"

#define CORPUS "../corpus/build/"
#define FIB_FWD "yaml/build/fib_fwd.o"

static bpfemu_test *open_ok(const char *path, const char *prog)
{
    char err[512];
    bpfemu_test *t = bpfemu_test_open(path, prog, err, sizeof err);
    cr_assert_not_null(t, "%s", err);
    return t;
}

#define OK(t, call) cr_assert_eq((call), 0, "%s", bpfemu_test_error(t))

/* ---------------------------------------------------------- packets ---- */

/* RFC 1071 sum, written out again here so the builder is checked against
 * code it does not share. */
static uint16_t ref_csum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | (i + 1 < n ? p[i + 1] : 0));
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint8_t *build(const char *spec, size_t *len)
{
    uint8_t *p;
    char err[256];
    cr_assert_eq(helper_pkt_build_text(spec, &p, len, err, sizeof err), 0, "%s: %s", spec, err);
    return p;
}

Test(pktgen, ipv4_header_of_a_published_example)
{
    /* Wikipedia's "IPv4 header checksum" example: 4500 0073 0000 4000 4011
     * b861 c0a8 0001 c0a8 00c7 */
    size_t len;
    uint8_t *p = build("eth / ipv4(len=0x73, flags=DF, ttl=64, proto=17, src=192.168.0.1, "
                       "dst=192.168.0.199)", &len);
    static const uint8_t want[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                     0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    cr_assert_eq(len, 34);
    cr_expect_eq(memcmp(p + 14, want, 20), 0);
    cr_expect_eq(p[12], 0x08);
    cr_expect_eq(p[13], 0x00);
    free(p);
}

Test(pktgen, transport_checksums_cover_the_pseudo_header)
{
    size_t len;
    uint8_t *p = build("eth / ipv4(src=10.1.2.3, dst=10.4.5.6) / tcp(sport=1, dport=2, seq=3, "
                       "options=020405b4) / payload(\"hello\")", &len);
    cr_assert_eq(len, 14 + 20 + 24 + 5);
    cr_expect_eq(p[14 + 20 + 12] >> 4, 6); /* doff counts the option */
    uint8_t pseudo[12] = {10, 1, 2, 3, 10, 4, 5, 6, 0, 6, 0, 29};
    uint32_t s = 0;
    for (int i = 0; i < 12; i += 2)
        s += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
    cr_expect_eq(ref_csum(p + 34, 29, s), 0, "TCP checksum does not verify");
    cr_expect_eq(ref_csum(p + 14, 20, 0), 0, "IPv4 checksum does not verify");
    free(p);

    p = build("eth / ipv6(src=2001:db8::1, dst=2001:db8::2) / udp(sport=7, dport=9) / "
              "payload(hex=01020304)", &len);
    cr_assert_eq(len, 14 + 40 + 12);
    cr_expect_eq(p[14 + 6], 17);
    s = 0;
    for (int i = 0; i < 32; i += 2)
        s += (uint32_t)(p[14 + 8 + i] << 8 | p[14 + 8 + i + 1]);
    s += 17 + 12;
    cr_expect_eq(ref_csum(p + 54, 12, s), 0, "UDP/IPv6 checksum does not verify");
    free(p);
}

Test(pktgen, layers_lengths_and_cuts)
{
    size_t len;
    uint8_t *p = build("eth / vlan(vid=100, pcp=5, tpid=0x88a8) / vlan(200) / ipv4 / icmp / "
                       "payload(len=10) / truncate(40)", &len);
    cr_assert_eq(len, 40);
    static const uint8_t want[26] = {
        [12] = 0x88, [13] = 0xa8, [14] = 0xa0, [15] = 100, /* S-tag: pcp 5, vid 100 */
        [16] = 0x81, [17] = 0x00, [18] = 0x00, [19] = 200, /* C-tag */
        [20] = 0x08, [21] = 0x00, [22] = 0x45, [23] = 0x00,
        [24] = 0, [25] = 20 + 8 + 10,                      /* tot_len: before the cut */
    };
    cr_expect_eq(memcmp(p + 12, want + 12, 14), 0);
    free(p);

    struct helper_sb sb = {0};
    p = build("eth / ipv4(options=94040000, ttl=7) / udp / truncate(30)", &len);
    helper_pkt_describe(p, len, "", &sb);
    cr_expect_str_eq(helper_sb_str(&sb),
                     "eth      dst=02:00:00:00:00:02 src=02:00:00:00:00:01 type=0x0800\n"
                     "ipv4     version=4 ihl=6 tos=0x00 len=32 id=0 flags=0 frag=0 ttl=7 proto=17 "
                     "csum=0x0ac7 src=10.0.0.1 (truncated: 16 of 24 bytes)\n");
    helper_sb_free(&sb);
    free(p);
}

Test(pktgen, spec_errors_say_what_and_where)
{
    static const struct { const char *spec, *err; } bad[] = {
        {"eth / ipv5", "unknown layer 'ipv5' (eth, vlan, arp, ipv4, ipv6, tcp, udp, icmp, icmpv6, "
                       "payload, truncate)"},
        {"eth(src=02:00:00:00:00)", "eth.src: '02:00:00:00:00' is not a MAC address (aa:bb:cc:dd:ee:ff)"},
        {"ipv4(ttl=256)", "ipv4.ttl: 256 does not fit in 8 bits"},
        {"tcp(flags=SYN|BOGUS)", "tcp.flags: 'SYN|BOGUS' is not a number or flags (FIN SYN RST PSH "
                                 "ACK URG ECE CWR, or letters as \"SA\")"},
        {"eth / ipv4(src=1.2.3.4", "column 23: expected ',' or ')'"},
        {"eth ipv4", "column 5: expected '/' between layers"},
        {"payload(\"abc)", "column 9: unterminated string"},
        {"eth / tcp(80)", "tcp: '80' needs a field name (name=value)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t *p = NULL;
        size_t len;
        char err[256] = "";
        cr_expect_eq(helper_pkt_build_text(bad[i].spec, &p, &len, err, sizeof err), -EINVAL,
                     "%s", bad[i].spec);
        cr_expect_str_eq(err, bad[i].err, "%s", bad[i].spec);
        free(p);
    }
}

Test(pktgen, diff_of_packets_of_different_lengths)
{
    size_t a_len, b_len;
    uint8_t *a = build("eth / ipv4 / udp / payload(len=4)", &a_len);
    uint8_t *b = build("eth / ipv4 / udp / payload(len=6)", &b_len);
    struct helper_sb sb = {0};
    helper_pkt_diff(a, a_len, b, b_len, &sb);
    cr_expect_str_eq(helper_sb_str(&sb),
                     "expected 46 bytes, got 48 (6 bytes differ) (- expected, + got, ^^ differs):\n"
                     "  0000  02 00 00 00 00 02 02 00  00 00 00 01 08 00 45 00\n"
                     "- 0010  00 20 00 00 00 00 40 11  66 cb 0a 00 00 01 0a 00\n"
                     "+ 0010  00 22 00 00 00 00 40 11  66 c9 0a 00 00 01 0a 00\n"
                     "           ^^                       ^^\n"
                     "- 0020  00 02 04 d2 00 35 00 0c  e6 cc 00 00 00 00\n"
                     "+ 0020  00 02 04 d2 00 35 00 0e  e6 c8 00 00 00 00 00 00\n"
                     "                             ^^     ^^             ^^ ^^\n"
                     "ipv4.len: expected 32, got 34\n"
                     "ipv4.csum: expected 0x66cb, got 0x66c9 (valid)\n"
                     "udp.len: expected 12, got 14\n"
                     "udp.csum: expected 0xe6cc, got 0xe6c8 (valid)\n"
                     "payload: expected 4 bytes 00000000, got 6 bytes 000000000000\n");
    helper_sb_free(&sb);
    free(a);
    free(b);
}

/* ------------------------------------------------------ typed values ---- */

Test(testkit, typed_keys_and_values)
{
    bpfemu_test *t = open_ok(CORPUS "xdp_lb.o", NULL);
    /* struct vip_definition {__be32 vip; __be16 port; __u8 proto;} */
    OK(t, bpfemu_test_map_set(t, "vip_map", "vip=10.100.0.1, port=80, proto=6", "vip_num=3"));
    bpfemu_map *m = bpfemu_test_map(t, "vip_map");
    cr_assert_not_null(m);
    uint8_t key[8] = {10, 100, 0, 1, 0, 80, 6, 0}, val[8];
    cr_assert_eq(bpfemu_map_lookup(m, key, val), 0);
    cr_expect_eq(val[4], 3);
    /* fields not given keep their value */
    OK(t, bpfemu_test_map_set(t, "vip_map", "vip=10.100.0.1, port=80, proto=6", "flags=1"));
    uint64_t v;
    OK(t, bpfemu_test_map_get(t, "vip_map", "vip=10.100.0.1, port=80, proto=6", "vip_num", &v));
    cr_expect_eq(v, 3);
    /* an array of __be16 inside the key */
    OK(t, bpfemu_test_map_set(t, "conn_table",
                              "src=192.0.2.1, dst=10.100.0.1, port16[0]=40000, port16[1]=80, proto=6",
                              "pos=2"));
    cr_expect_eq(bpfemu_test_map_expect(t, "conn_table",
                                        "src=192.0.2.1, dst=10.100.0.1, port16[0]=40000, "
                                        "port16[1]=80, proto=6", "pos=5"), 1);
    cr_expect_str_eq(bpfemu_test_error(t),
                     "conn_table[{src: 192.0.2.1, dst: 10.100.0.1, port16: [40000, 80], proto: 6, "
                     "pad: 00 00 00}].pos: expected 5, got 2\n");
    /* errors name the struct and its fields */
    cr_expect_eq(bpfemu_test_map_set(t, "vip_map", "vip=10.100.0.1, prt=80", "vip_num=1"), -EINVAL);
    cr_expect_str_eq(bpfemu_test_error(t),
                     "map 'vip_map' key: 'prt': struct vip_definition has no field 'prt' (fields: "
                     "vip port proto pad)");
    cr_expect_eq(bpfemu_test_map_set(t, "vip_map", "vip=10.100.0.1, port=70000", "vip_num=1"), -EINVAL);
    cr_expect_str_eq(bpfemu_test_error(t), "map 'vip_map' key: port: 70000 does not fit in 16 bits");
    cr_expect_eq(bpfemu_test_map_set(t, "nope", "1", "1"), -ENOENT);
    cr_expect_str_eq(bpfemu_test_error(t), "the object has no map named 'nope' (maps: vip_map, "
                                           "conn_table, ch_rings, reals, stats, .rodata)");
    bpfemu_test_close(t);
}

Test(testkit, global_data_and_per_cpu_values)
{
    struct bpfemu_obj_opts o = {.ncpus = 2};
    char err[256];
    bpfemu_test *t = bpfemu_test_open_opts(CORPUS "xdp_counter.o", NULL, &o, err, sizeof err);
    cr_assert_not_null(t, "%s", err);
    OK(t, bpfemu_test_set_cpu(t, 1));
    OK(t, bpfemu_test_packet(t, "eth / ipv4 / udp"));
    cr_assert_eq(bpfemu_test_exec_n(t, 3), XDP_PASS, "%s", bpfemu_test_error(t));
    uint64_t v;
    OK(t, bpfemu_test_map_get(t, ".bss", "0", "total_bytes", &v));
    cr_expect_eq(v, 3 * 42);
    OK(t, bpfemu_test_map_get(t, "rxcnt", "17", NULL, &v)); /* legacy map: no BTF */
    cr_expect_eq(v, 3);
    OK(t, bpfemu_test_set_cpu(t, 0));
    OK(t, bpfemu_test_map_get(t, "rxcnt", "17", "", &v));
    cr_expect_eq(v, 0);
    cr_expect_eq(bpfemu_test_set_cpu(t, 2), -EINVAL);
    bpfemu_test_close(t);
}

/* ------------------------------------------------------------- mocks ---- */

struct fake_clock {
    uint64_t now;
    int calls;
};

static uint64_t fake_ktime(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                           bpfemu_run *run)
{
    struct fake_clock *c = bpfemu_run_user(run);
    c->calls++;
    return c->now += 300000000; /* 300 ms per call */
}

Test(testkit, mocks_by_value_sequence_and_function)
{
    bpfemu_test *t = open_ok(CORPUS "xdp_ratelimit.o", NULL);
    /* every packet at t = 1 s: the sixth of a burst is dropped */
    OK(t, bpfemu_test_mock(t, "ktime_get_ns", (uint64_t[]){1000000000}, 1));
    OK(t, bpfemu_test_packet(t, "eth / ipv4(src=192.0.2.1) / udp"));
    cr_expect_eq(bpfemu_test_exec_n(t, 5), XDP_PASS);
    cr_expect_eq(bpfemu_test_exec(t), XDP_DROP);
    /* a sequence: 300 ms later a token is back, then time stands still */
    OK(t, bpfemu_test_mock(t, "bpf_ktime_get_ns", (uint64_t[]){1300000000, 1300000000}, 2));
    cr_expect_eq(bpfemu_test_exec(t), XDP_PASS);
    cr_expect_eq(bpfemu_test_exec(t), XDP_DROP);
    cr_expect_eq(bpfemu_test_exec(t), XDP_DROP); /* the last value repeats */
    cr_expect_eq(bpfemu_test_calls(t, "ktime_get_ns"), 1);
    /* a function of the test's own, with its own state */
    struct fake_clock c = {.now = 2000000000};
    OK(t, bpfemu_test_mock_fn(t, "ktime_get_ns", fake_ktime, &c));
    OK(t, bpfemu_test_packet(t, "eth / ipv4(src=192.0.2.2) / udp"));
    for (int i = 0; i < 20; i++) /* a packet every 300 ms, a token every 250 ms */
        cr_expect_eq(bpfemu_test_exec(t), XDP_PASS, "run %d", i);
    cr_expect_eq(c.calls, 20);
    OK(t, bpfemu_test_unmock(t, "ktime_get_ns"));
    cr_expect_eq(bpfemu_test_mock(t, "no_such_helper", (uint64_t[]){1}, 1), -ENOENT);
    cr_expect_str_eq(bpfemu_test_error(t), "no helper named 'no_such_helper'");
    bpfemu_test_close(t);
}

Test(testkit, fib_lookup_results_and_ctx)
{
    bpfemu_test *t = open_ok(FIB_FWD, NULL);
    OK(t, bpfemu_test_mock_fib(t, BPF_FIB_LKUP_RET_SUCCESS,
                               "ifindex=9, smac=02:00:00:00:09:01, dmac=02:00:00:00:09:02"));
    OK(t, bpfemu_test_packet(t, "eth / ipv4(src=10.0.0.1, dst=192.0.2.1, ttl=10) / tcp"));
    OK(t, bpfemu_test_ctx(t, "ingress_ifindex=4, rx_queue_index=2"));
    cr_expect_eq(bpfemu_test_exec(t), XDP_REDIRECT, "%s", bpfemu_test_error(t));
    OK(t, bpfemu_test_packet_expect(t, "eth(src=02:00:00:00:09:01, dst=02:00:00:00:09:02) / "
                                       "ipv4(ttl=9, csum=valid)"));
    uint64_t v;
    OK(t, bpfemu_test_ctx_out(t, "rx_queue_index", &v));
    cr_expect_eq(v, 2);
    size_t n;
    const struct bpfemu_call *calls = bpfemu_test_call_list(t, &n);
    /* fib_lookup, lookup (results), lookup (stats), update, lookup, ktime, redirect */
    cr_assert_eq(n, 7);
    cr_expect_eq(calls[0].helper_id, BPF_FUNC_fib_lookup);
    cr_expect_eq(calls[0].ret, BPF_FIB_LKUP_RET_SUCCESS);
    cr_expect_eq(calls[6].helper_id, BPF_FUNC_redirect);
    cr_expect_eq(calls[6].args[0], 9);
    /* the mocked helper writes only where the program may write */
    static const uint8_t junk[80];
    OK(t, bpfemu_test_mock_out(t, "fib_lookup", 0, 1, junk, sizeof junk));
    cr_expect_lt(bpfemu_test_exec(t), 0);
    cr_expect(strstr(bpfemu_test_error(t), "mocked bpf_fib_lookup: argument 1: 80 bytes at 0x") != NULL,
              "%s", bpfemu_test_error(t));
    bpfemu_test_close(t);
}

struct seen {
    int n;
    uint8_t last[8];
};

static int record_seen(void *ctx, const void *data, size_t size)
{
    struct seen *s = ctx;
    cr_assert_eq(size, 8);
    memcpy(s->last, data, 8);
    s->n++;
    return 0;
}

Test(testkit, records_of_rings_and_queues)
{
    bpfemu_test *t = open_ok(CORPUS "xdp_tenant.o", NULL);
    OK(t, bpfemu_test_map_set(t, "tenant0_policy", "25", "0"));
    OK(t, bpfemu_test_packet(t, "eth / ipv4(src=10.9.8.7) / tcp(dport=25)"));
    cr_expect_eq(bpfemu_test_exec_n(t, 2), XDP_DROP);
    struct seen seen = {0};
    OK(t, bpfemu_test_map_records(t, "drop_log", record_seen, &seen));
    cr_expect_eq(seen.n, 2);
    static const uint8_t rec[8] = {10, 9, 8, 7, 25, 0, 0, 0}; /* saddr, dport, tenant, reason */
    cr_expect_eq(memcmp(seen.last, rec, 8), 0);
    OK(t, bpfemu_test_map_records(t, "drop_log", record_seen, &seen)); /* consumed */
    cr_expect_eq(seen.n, 2);
    cr_expect_eq(bpfemu_test_map_records(t, "tenant_usage", record_seen, &seen), -EINVAL);
    bpfemu_test_close(t);
}

/* -------------------------------------------------------------- misc ---- */

Test(testkit, programs_actions_and_errors)
{
    char err[256];
    cr_expect_null(bpfemu_test_open(CORPUS "xdp_tailcall.o", NULL, err, sizeof err));
    cr_expect_str_eq(err, CORPUS "xdp_tailcall.o: the object has 5 programs: name one (xdp_tcp "
                          "(xdp), xdp_udp (xdp), xdp_dispatcher (xdp), xdp_icmp (xdp/icmp), "
                          "xdp_icmp_echo (xdp/icmp_echo))");
    cr_expect_null(bpfemu_test_open("nothere.o", NULL, err, sizeof err));
    cr_expect_str_eq(err, "nothere.o: No such file or directory");
    bpfemu_test *t = open_ok(CORPUS "tc_rewrite.o", "tc");
    uint32_t v;
    cr_expect_eq(bpfemu_test_action_parse(t, "shot", &v), 0);
    cr_expect_eq(v, TC_ACT_SHOT);
    cr_expect_eq(bpfemu_test_action_parse(t, "TC_ACT_UNSPEC", &v), 0);
    cr_expect_eq(v, (uint32_t)-1);
    cr_expect_eq(bpfemu_test_action_parse(t, "XDP_DROP", &v), -EINVAL);
    cr_expect_str_eq(bpfemu_test_action_name(t, 2), "TC_ACT_SHOT");
    cr_expect_eq(bpfemu_test_exec(t), -EINVAL);
    cr_expect_str_eq(bpfemu_test_error(t), "no packet: call bpfemu_test_packet first");
    OK(t, bpfemu_test_packet(t, "eth / ipv4 / tcp"));
    cr_expect_eq(bpfemu_test_ctx(t, "markk=1"), -EINVAL);
    cr_expect_str_eq(bpfemu_test_error(t), "ctx: struct __sk_buff has no field 'markk'");
    OK(t, bpfemu_test_ctx(t, "mark=7, cb[4]=9"));
    cr_expect_eq(bpfemu_test_exec(t), TC_ACT_OK);
    uint64_t x;
    OK(t, bpfemu_test_ctx_out(t, "cb[4]", &x));
    cr_expect_eq(x, 9);
    OK(t, bpfemu_test_ctx_out(t, "mark", &x));
    cr_expect_eq(x, 7);
    bpfemu_test_close(t);
}

Test(testkit, coverage_through_the_api)
{
    bpfemu_cov *cov = bpfemu_cov_new();
    cr_assert_not_null(cov);
    for (int i = 0; i < 2; i++) { /* two tests, one object: counts add up */
        bpfemu_test *t = open_ok(CORPUS "xdp_firewall.o", NULL);
        OK(t, bpfemu_test_coverage(t, cov));
        OK(t, bpfemu_test_packet(t, "eth / ipv4 / udp"));
        cr_expect_eq(bpfemu_test_exec(t), XDP_PASS);
        bpfemu_test_close(t);
    }
    uint64_t n;
    cr_expect_eq(helper_cov_line(cov, "xdp_firewall.bpf.c", 96, &n), 0);
    cr_expect_eq(n, 2);
    cr_expect_eq(helper_cov_line(cov, "xdp_firewall.bpf.c", 111, &n), 0);
    cr_expect_eq(n, 0);
    cr_expect_eq(helper_cov_line(cov, "xdp_firewall.bpf.c", 1, &n), -ENOENT);
    char path[] = "/tmp/bpfemu-cov-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    char err[256];
    cr_expect_eq(bpfemu_cov_write_lcov(cov, path, "api test", err, sizeof err), 0, "%s", err);
    FILE *f = fopen(path, "r");
    char line[256];
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect_str_eq(line, "TN:api_test\n");
    fclose(f);
    unlink(path);
    bpfemu_cov_free(cov);
}

/* bpfemu_test_socket: what skb->sk, bpf_get_socket_uid and
 * bpf_get_socket_cookie give the corpus socket filter. */
Test(testkit, socket_of_an_skb)
{
    bpfemu_test *t = open_ok(CORPUS "sock_filter.o", NULL);
    OK(t, bpfemu_test_packet(t, "eth / ipv6(dst=2001:db8::53) / udp(dport=53) / "
                                "payload(hex=123401000001000000000000)"));
    OK(t, bpfemu_test_socket(t, "src=[2001:db8::53]:53,uid=4242,cookie=0x1234"));
    cr_assert_eq(bpfemu_test_exec(t), 40 + 8 + 12, "%s", bpfemu_test_error(t));
    uint64_t v;
    OK(t, bpfemu_test_map_get(t, "sf_stats", "0", "last_cookie", &v));
    cr_expect_eq(v, 0x1234);
    OK(t, bpfemu_test_map_get(t, "sf_stats", "0", "last_family", &v));
    cr_expect_eq(v, 10);
    OK(t, bpfemu_test_map_get(t, "queries_by_uid", "4242", NULL, &v));
    cr_expect_eq(v, 1);
    /* bound to another port: dropped and counted as such */
    OK(t, bpfemu_test_socket(t, "src_port=5353"));
    cr_expect_eq(bpfemu_test_exec(t), 0);
    OK(t, bpfemu_test_map_get(t, "sf_stats", "3", "packets", &v));
    cr_expect_eq(v, 1);
    /* back to the test run's socket: unbound, uid 0, cookie 4096 */
    OK(t, bpfemu_test_socket(t, NULL));
    cr_expect_eq(bpfemu_test_exec(t), 60);
    OK(t, bpfemu_test_map_get(t, "sf_stats", "0", "last_cookie", &v));
    cr_expect_eq(v, 4096);
    cr_expect_eq(bpfemu_test_socket(t, "state=sideways"), -EINVAL);
    cr_expect_str_eq(bpfemu_test_error(t), "socket: bad state 'sideways'");
    bpfemu_test_close(t);
}

/* bpf_tcp_sock: a TCP stream socket's counters (a fresh connection's
 * window of 10), NULL for any other socket, as the kernel's test run's
 * (protocol 0) */
Test(testkit, tcp_sock_of_an_skb)
{
    bpfemu_test *t = open_ok("yaml/build/tcp_sock.o", NULL);
    OK(t, bpfemu_test_packet(t, "eth / ipv4 / tcp"));
    cr_expect_eq(bpfemu_test_exec(t), 0xff, "%s", bpfemu_test_error(t));
    OK(t, bpfemu_test_socket(t, "type=stream,protocol=tcp,state=established"));
    cr_expect_eq(bpfemu_test_exec(t), 10, "%s", bpfemu_test_error(t));
    OK(t, bpfemu_test_socket(t, "type=dgram,protocol=udp"));
    cr_expect_eq(bpfemu_test_exec(t), 0xff, "%s", bpfemu_test_error(t));
    OK(t, bpfemu_test_socket(t, "none"));
    cr_expect_eq(bpfemu_test_exec(t), 0xfe, "%s", bpfemu_test_error(t));
    bpfemu_test_close(t);
}
