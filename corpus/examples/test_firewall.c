/* corpus/examples/test_firewall.c - unit tests of xdp_firewall.bpf.c with
 * the C test API (include/bpfemu_test.h) and Criterion: no root, no
 * kernel, no packet bytes written by hand.
 *
 *   make -C corpus examples          # builds and runs it
 *
 * Each test opens the object (fresh maps), fills the blocklist, builds a
 * packet from header fields, runs the program as BPF_PROG_TEST_RUN would,
 * and checks the verdict, the counters and the helper calls. */
#include <criterion/criterion.h>
#include <linux/bpf.h>

#include "bpfemu_test.h"

#ifndef FIREWALL_OBJ
#define FIREWALL_OBJ "build/xdp_firewall.o"
#endif

static bpfemu_test *t;

static void open_firewall(void)
{
    char err[256];
    t = bpfemu_test_open(FIREWALL_OBJ, "xdp_firewall_prog", err, sizeof err);
    cr_assert_not_null(t, "%s", err);
    /* BTF-typed entries: the LPM key as CIDR, the value by field name */
    cr_assert_eq(bpfemu_test_map_set(t, "blocklist_v4", "203.0.113.0/24", "rule_id=1"), 0, "%s",
                 bpfemu_test_error(t));
    cr_assert_eq(bpfemu_test_map_set(t, "blocklist_v6", "2001:db8:bad::/48", "rule_id=10"), 0,
                 "%s", bpfemu_test_error(t));
}

static void close_firewall(void) { bpfemu_test_close(t); }

TestSuite(firewall, .init = open_firewall, .fini = close_firewall);

Test(firewall, blocked_source_is_dropped)
{
    bpfemu_test_packet(t, "eth / ipv4(src=203.0.113.9, dst=10.0.0.1) / tcp(dport=80)");
    cr_assert_eq(bpfemu_test_exec(t), XDP_DROP, "%s", bpfemu_test_error(t));

    /* the rule counted the hit; the per-action counters saw one drop */
    uint64_t hits, drops;
    cr_assert_eq(bpfemu_test_map_get(t, "blocklist_v4", "203.0.113.0/24", "hits", &hits), 0);
    cr_assert_eq(hits, 1);
    cr_assert_eq(bpfemu_test_map_get(t, "xdp_stats_map", "1", "rx_packets", &drops), 0);
    cr_assert_eq(drops, 1);
    /* the same, with a diff in the message when it fails */
    cr_assert_eq(bpfemu_test_map_expect(t, "xdp_stats_map", "1", "rx_packets=1, rx_bytes=54"), 0,
                 "%s", bpfemu_test_error(t));
    /* XDP_DROP leaves the packet as it was */
    cr_assert_eq(bpfemu_test_packet_expect(t, "ipv4(src=203.0.113.9, csum=valid) / tcp(dport=80)"),
                 0, "%s", bpfemu_test_error(t));
}

Test(firewall, other_sources_pass)
{
    bpfemu_test_packet(t, "eth / ipv4(src=198.51.100.7) / udp(dport=53) / payload(\"query\")");
    cr_assert_eq(bpfemu_test_exec(t), XDP_PASS, "%s", bpfemu_test_error(t));
    cr_assert_eq(bpfemu_test_calls(t, "map_lookup_elem"), 2); /* blocklist, then stats */
}

Test(firewall, blocked_ipv6_prefix_behind_vlan_tags)
{
    bpfemu_test_packet(t, "eth / vlan(vid=100, tpid=0x88a8) / vlan(200) / ipv6(src=2001:db8:bad::1) / tcp");
    cr_assert_eq(bpfemu_test_exec(t), XDP_DROP);
    cr_assert_eq(bpfemu_test_map_expect(t, "blocklist_v6", "2001:db8:bad::/48", "hits=1"), 0, "%s",
                 bpfemu_test_error(t));
}

Test(firewall, malformed_frames_are_dropped)
{
    bpfemu_test_packet(t, "eth / ipv4(ihl=4) / tcp");
    cr_assert_eq(bpfemu_test_exec(t), XDP_DROP);
    bpfemu_test_packet(t, "eth / ipv4 / tcp / truncate(30)");
    cr_assert_eq(bpfemu_test_exec(t), XDP_DROP);
}

Test(firewall, counters_add_up_over_runs)
{
    bpfemu_test_packet(t, "eth / ipv4(src=192.0.2.1) / tcp / payload(len=100)");
    cr_assert_eq(bpfemu_test_exec_n(t, 5), XDP_PASS);
    cr_assert_eq(bpfemu_test_map_expect(t, "xdp_stats_map", "2", "rx_packets=5, rx_bytes=770"), 0,
                 "%s", bpfemu_test_error(t));
}
