/* The public object API (include/bpfemu.h) on a corpus program: open,
 * fill a map, test-run packets, read counters back, mock a helper, record
 * helper calls. Needs corpus/build (make corpus). */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>

#include "bpfemu.h"

#define FIREWALL "../corpus/build/xdp_firewall.o"

/* Ethernet + IPv4 + TCP, source address `src` (host order). */
static size_t make_packet(uint8_t *p, uint32_t src)
{
    memset(p, 0, 54);
    p[12] = 0x08; /* ETH_P_IP */
    p[14] = 0x45;
    p[16] = 0;
    p[17] = 40; /* tot_len */
    p[22] = 64; /* ttl */
    p[23] = 6;  /* TCP */
    uint32_t s = htonl(src), d = htonl(0xc000020a);
    memcpy(p + 26, &s, 4);
    memcpy(p + 30, &d, 4);
    p[34 + 12] = 0x50;
    return 54;
}

struct lpm_v4_key {
    uint32_t prefixlen;
    uint32_t addr;
};
struct rule_value {
    uint32_t rule_id, flags;
    uint64_t hits;
};

Test(api_obj, firewall_blocklist_and_counters)
{
    char err[256];
    bpfemu_obj *o = bpfemu_obj_open(FIREWALL, NULL, err, sizeof err);
    cr_assert_not_null(o, "%s", err);
    cr_assert_eq(bpfemu_obj_prog_count(o), 1);
    cr_assert_str_eq(bpfemu_obj_prog_name(o, 0), "xdp_firewall_prog");

    bpfemu_map *block = bpfemu_obj_map(o, "blocklist_v4");
    cr_assert_not_null(block);
    uint32_t type, ks, vs, max;
    bpfemu_map_info(block, &type, &ks, &vs, &max);
    cr_assert_eq(type, BPF_MAP_TYPE_LPM_TRIE);
    cr_assert_eq(ks, 8);
    cr_assert_eq(vs, 16);
    struct lpm_v4_key key = {24, htonl(0xcb007100)}; /* 203.0.113.0/24 */
    struct rule_value rule = {7, 0, 0};
    cr_assert_eq(bpfemu_map_update(block, &key, &rule, BPF_ANY), 0);

    uint8_t pkt[64];
    struct bpfemu_test_run tr = {.data_in = pkt, .data_size_in = make_packet(pkt, 0xcb007109)};
    cr_assert_eq(bpfemu_obj_test_run(o, "xdp_firewall_prog", &tr, err, sizeof err), 0, "%s", err);
    cr_assert_eq(tr.retval, XDP_DROP);
    cr_assert_eq(tr.data_size_out, 54);
    cr_assert_eq(memcmp(tr.data_out, pkt, 54), 0);
    bpfemu_test_run_free(&tr);

    tr = (struct bpfemu_test_run){.data_in = pkt, .data_size_in = make_packet(pkt, 0xc6336407),
                                  .repeat = 3};
    cr_assert_eq(bpfemu_obj_test_run(o, NULL, &tr, err, sizeof err), 0, "%s", err);
    cr_assert_eq(tr.retval, XDP_PASS);
    bpfemu_test_run_free(&tr);

    /* the rule counted its hit; the per-action counters saw 1 drop, 3 passes */
    struct rule_value got;
    cr_assert_eq(bpfemu_map_lookup(block, &key, &got), 0);
    cr_assert_eq(got.hits, 1);
    bpfemu_map *stats = bpfemu_obj_map(o, "xdp_stats_map");
    uint64_t rec[2]; /* one CPU: rx_packets, rx_bytes */
    uint32_t k = XDP_DROP;
    cr_assert_eq(bpfemu_map_lookup(stats, &k, rec), 0);
    cr_assert_eq(rec[0], 1);
    cr_assert_eq(rec[1], 54);
    k = XDP_PASS;
    cr_assert_eq(bpfemu_map_lookup(stats, &k, rec), 0);
    cr_assert_eq(rec[0], 3);
    k = 99;
    cr_assert_eq(bpfemu_map_lookup(stats, &k, rec), -ENOENT);
    bpfemu_obj_close(o);
}

static uint64_t fake_lookup(uint64_t map, uint64_t key, uint64_t c, uint64_t d, uint64_t e,
                            bpfemu_run *run)
{
    int *calls = bpfemu_run_user(run);
    (*calls)++;
    return 0; /* every lookup misses: the program returns XDP_ABORTED */
}

Test(api_obj, mock_and_record_helpers)
{
    char err[256];
    bpfemu_obj *o = bpfemu_obj_open(FIREWALL, NULL, err, sizeof err);
    cr_assert_not_null(o, "%s", err);
    uint8_t pkt[64];
    size_t n = make_packet(pkt, 0x0a000001);

    bpfemu_obj_record_calls(o, true);
    struct bpfemu_test_run tr = {.data_in = pkt, .data_size_in = n};
    cr_assert_eq(bpfemu_obj_test_run(o, NULL, &tr, err, sizeof err), 0, "%s", err);
    bpfemu_test_run_free(&tr);
    size_t count;
    const struct bpfemu_call *calls = bpfemu_obj_calls(o, &count);
    cr_assert_eq(count, 2); /* blocklist lookup, then the stats lookup */
    cr_assert_eq(calls[0].helper_id, BPF_FUNC_map_lookup_elem);
    cr_assert_eq(calls[0].ret, 0);
    cr_assert_eq(calls[1].helper_id, BPF_FUNC_map_lookup_elem);
    cr_assert_neq(calls[1].ret, 0);
    bpfemu_obj_clear_calls(o);

    int mocked = 0;
    cr_assert_eq(bpfemu_obj_mock_helper(o, BPF_FUNC_map_lookup_elem, fake_lookup, &mocked), 0);
    tr = (struct bpfemu_test_run){.data_in = pkt, .data_size_in = n};
    cr_assert_eq(bpfemu_obj_test_run(o, NULL, &tr, err, sizeof err), 0, "%s", err);
    cr_assert_eq(tr.retval, XDP_ABORTED);
    cr_assert_eq(mocked, 2);
    bpfemu_obj_calls(o, &count);
    cr_assert_eq(count, 2);
    bpfemu_test_run_free(&tr);
    bpfemu_obj_close(o);
}

Test(api_obj, errors)
{
    char err[256];
    cr_assert_null(bpfemu_obj_open("/nonexistent.o", NULL, err, sizeof err));
    cr_assert_str_eq(err, "/nonexistent.o: No such file or directory");
    bpfemu_obj *o = bpfemu_obj_open(FIREWALL, NULL, err, sizeof err);
    cr_assert_not_null(o, "%s", err);
    struct bpfemu_test_run tr = {0};
    cr_assert_eq(bpfemu_obj_test_run(o, "nope", &tr, err, sizeof err), -ENOENT);
    cr_assert_str_eq(err, "no program or section named 'nope'");
    uint8_t small[13] = {0};
    tr = (struct bpfemu_test_run){.data_in = small, .data_size_in = sizeof small};
    cr_assert_eq(bpfemu_obj_test_run(o, NULL, &tr, err, sizeof err), -EINVAL);
    cr_assert_str_eq(err, "XDP test runs need at least 14 bytes of packet (ETH_HLEN), got 13");
    cr_assert_null(bpfemu_obj_map(o, "nope"));
    bpfemu_obj_close(o);
}
